/**
 * A small Prometheus registry: counters and histograms with labels, rendered
 * as the text exposition format at GET /metrics. One per app instance
 * (created by createApp), never at import time.
 */
type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`)
    .join(',');

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Counter {
  inc(labels?: Labels, by?: number): void;
}
export interface Histogram {
  observe(labels: Labels, value: number): void;
}

export function createMetrics() {
  const counters = new Map<string, { help: string; values: Map<string, number> }>();
  const histograms = new Map<string, { help: string; buckets: number[]; values: Map<string, { counts: number[]; sum: number; count: number }> }>();
  /** Each label key's labels, for countsOf. */
  const labelSets = new Map<string, Labels>();
  const keyOf = (labels: Labels) => {
    const k = key(labels);
    if (!labelSets.has(k)) labelSets.set(k, { ...labels });
    return k;
  };

  return {
    counter(name: string, help: string): Counter {
      const c = counters.get(name) ?? { help, values: new Map<string, number>() };
      counters.set(name, c);
      return {
        inc: (labels = {}, by = 1) => {
          const k = keyOf(labels);
          c.values.set(k, (c.values.get(k) ?? 0) + by);
        },
      };
    },
    histogram(name: string, help: string, buckets = DEFAULT_BUCKETS): Histogram {
      const h = histograms.get(name) ?? { help, buckets, values: new Map() };
      histograms.set(name, h);
      return {
        observe(labels, value) {
          const k = keyOf(labels);
          const v = h.values.get(k) ?? { counts: h.buckets.map(() => 0), sum: 0, count: 0 };
          h.buckets.forEach((b, i) => {
            if (value <= b) v.counts[i] = (v.counts[i] ?? 0) + 1;
          });
          v.sum += value;
          v.count += 1;
          h.values.set(k, v);
        },
      };
    },
    /**
     * Observations so far per label set: a counter's value, a histogram's
     * count (e.g. requests per status class for the dev diagnostics).
     */
    countsOf(name: string): { labels: Labels; count: number }[] {
      const c = counters.get(name);
      if (c) return [...c.values].map(([k, v]) => ({ labels: labelSets.get(k) ?? {}, count: v }));
      const h = histograms.get(name);
      return h ? [...h.values].map(([k, v]) => ({ labels: labelSets.get(k) ?? {}, count: v.count })) : [];
    },
    /** The Prometheus text exposition of every metric. */
    render(): string {
      const out: string[] = [];
      for (const [name, c] of counters) {
        out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
        for (const [k, v] of c.values) out.push(`${name}${k ? `{${k}}` : ''} ${v}`);
      }
      for (const [name, h] of histograms) {
        out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
        for (const [k, v] of h.values) {
          const sep = k ? `${k},` : '';
          h.buckets.forEach((b, i) => out.push(`${name}_bucket{${sep}le="${b}"} ${v.counts[i] ?? 0}`));
          out.push(`${name}_bucket{${sep}le="+Inf"} ${v.count}`, `${name}_sum${k ? `{${k}}` : ''} ${v.sum}`, `${name}_count${k ? `{${k}}` : ''} ${v.count}`);
        }
      }
      return `${out.join('\n')}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
