import { usePGlite } from '@electric-sql/pglite-react';
import { useEffect, useRef, useState } from 'react';

/*
 * A live window of rows and its count. The window is a live query
 * (re-run by PGlite's live extension whenever one of its tables changes);
 * the count is an ordinary query re-run after each new window result, so a
 * change is on screen before the slower count runs, and the count never
 * holds up the rows.
 */

export interface SqlQuery {
  sql: string;
  params: readonly unknown[];
}

const sameValue = (a: unknown, b: unknown) => Object.is(a, b) || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());

/** True when two row lists hold the same values (so a re-run that changed nothing does not re-render). */
export function sameRows<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as Record<string, unknown>;
    for (const k of Object.keys(x)) if (!sameValue(x[k], y[k])) return false;
  }
  return true;
}

export interface LiveWindow<T> {
  rows: readonly T[];
  /** The window's first row index, as asked. */
  offset: number;
  /** The number of matching rows; null until first counted. */
  count: number | null;
  /** Increases with every result of the window query. */
  version: number;
}

/**
 * Keeps `window` (rows from `offset`) and `count` live. While a new window
 * loads, the previous rows stay, so scrolling never flashes empty.
 */
export function useLiveWindow<T extends object>(win: SqlQuery & { offset: number }, count: SqlQuery): LiveWindow<T> {
  const pg = usePGlite();
  const [state, setState] = useState<LiveWindow<T>>({ rows: [], offset: win.offset, count: null, version: 0 });
  const key = JSON.stringify([win.sql, win.params]);
  const countKey = JSON.stringify([count.sql, count.params]);

  // The count: at most one in flight; a request during a run makes it run once more after.
  const counter = useRef({ running: false, again: false, key: countKey });
  counter.current.key = countKey;
  const recount = useRef<() => void>(() => {});
  recount.current = () => {
    const c = counter.current;
    if (c.running) {
      c.again = true;
      return;
    }
    c.running = true;
    const asked = c.key;
    pg.query<{ n: number }>(count.sql, [...count.params]).then(
      (res) => {
        const n = res.rows[0]?.n ?? 0;
        if (asked === counter.current.key) setState((s) => (s.count === n ? s : { ...s, count: n }));
      },
      () => {},
    ).finally(() => {
      c.running = false;
      if (c.again || asked !== counter.current.key) {
        c.again = false;
        recount.current();
      }
    });
  };

  useEffect(() => {
    let cancelled = false;
    let first = true;
    const offset = win.offset;
    const live = pg.live.query<T>(win.sql, [...win.params], (res) => {
      if (cancelled) return;
      setState((s) => (s.offset === offset && sameRows(s.rows, res.rows) ? s : { ...s, rows: res.rows, offset, version: s.version + 1 }));
      // A new window (scrolling) does not change the count; the count's own effect covers new filters.
      if (!first) recount.current();
      first = false;
    });
    live.catch(() => {});
    return () => {
      cancelled = true;
      void live.then((l) => l.unsubscribe()).catch(() => {});
    };
    // Only the query's text and parameters (key) decide when to subscribe again.
  }, [pg, key]);

  useEffect(() => recount.current(), [countKey]);
  return state;
}
