/**
 * Hybrid logical clock stamps, as text that sorts in time order:
 * `<wall ms, 15 digits>:<counter, 4 digits>:<node id>`. The app's local
 * store makes them (local_hlc()); the server compares them for
 * last-writer-wins tables and clamps stamps too far in the future.
 */
export interface Hlc {
  wallMs: number;
  counter: number;
  node: string;
}

const HLC = /^(\d{15}):(\d{4}):([A-Za-z0-9._-]{1,64})$/;

/** Parses a stamp; null when it is not one. */
export function parseHlc(value: string): Hlc | null {
  const m = HLC.exec(value);
  if (!m?.[1] || !m[2] || !m[3]) return null;
  return { wallMs: Number(m[1]), counter: Number(m[2]), node: m[3] };
}

export function formatHlc(h: Hlc): string {
  return `${String(h.wallMs).padStart(15, '0')}:${String(h.counter).padStart(4, '0')}:${h.node}`;
}

/** Total order: wall time, then counter, then node id (a tie-break every replica agrees on). */
export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** A stamp whose wall time is more than `maxSkewMs` ahead of `nowMs` is pulled back to now + skew. */
export function clampHlc(h: Hlc, nowMs: number, maxSkewMs: number): { hlc: Hlc; clamped: boolean } {
  const limit = nowMs + maxSkewMs;
  if (h.wallMs <= limit) return { hlc: h, clamped: false };
  return { hlc: { ...h, wallMs: limit }, clamped: true };
}
