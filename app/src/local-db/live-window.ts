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

/**
 * The count re-runs at most this often after changes (it reads every
 * matching row, ~15 ms at 100k leads, and shares the database worker with
 * the writes); the rows themselves are never held back.
 */
const COUNT_GAP_MS = 300;

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
  const counter = useRef<{ running: boolean; again: boolean; key: string; last: number; timer?: ReturnType<typeof setTimeout> }>({ running: false, again: false, key: countKey, last: 0 });
  counter.current.key = countKey;
  const recount = useRef<() => void>(() => {});
  recount.current = () => {
    const c = counter.current;
    if (c.running) {
      c.again = true;
      return;
    }
    c.running = true;
    c.last = performance.now();
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

  const recountSoon = () => {
    const c = counter.current;
    if (c.timer !== undefined) return;
    c.timer = setTimeout(() => {
      c.timer = undefined;
      recount.current();
    }, Math.max(0, c.last + COUNT_GAP_MS - performance.now()));
  };
  useEffect(() => () => clearTimeout(counter.current.timer), []);

  useEffect(() => {
    let cancelled = false;
    let first = true;
    let liveArrived = false;
    const offset = win.offset;
    const show = (rows: T[]) => setState((s) => (s.offset === offset && sameRows(s.rows, rows) ? s : { ...s, rows, offset, version: s.version + 1 }));
    // Setting up a live query takes several round trips to the database worker (a view,
    // triggers, listeners); one plain query first puts the rows on screen after one.
    pg.query<T>(win.sql, [...win.params]).then(
      (res) => {
        if (!cancelled && !liveArrived) show(res.rows);
      },
      () => {},
    );
    const live = pg.live.query<T>(win.sql, [...win.params], (res) => {
      if (cancelled) return;
      liveArrived = true;
      show(res.rows);
      // A new window (scrolling) does not change the count; the count's own effect covers new filters.
      if (!first) recountSoon();
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

/**
 * Rows of a live query, like pglite-react's useLiveQuery, but first read with
 * one plain query so they show after one round trip instead of after the
 * live query's set-up. Undefined until the first result.
 */
export function useLiveRows<T extends object>(sql: string, params: readonly unknown[]): readonly T[] | undefined {
  const pg = usePGlite();
  const [rows, setRows] = useState<{ key: string; rows: readonly T[] } | undefined>(undefined);
  const key = JSON.stringify([sql, params]);
  useEffect(() => {
    let cancelled = false;
    let liveArrived = false;
    const show = (next: T[]) => setRows((cur) => (cur && cur.key === key && sameRows(cur.rows, next) ? cur : { key, rows: next }));
    pg.query<T>(sql, [...params]).then(
      (res) => {
        if (!cancelled && !liveArrived) show(res.rows);
      },
      () => {},
    );
    const live = pg.live.query<T>(sql, [...params], (res) => {
      if (cancelled) return;
      liveArrived = true;
      show(res.rows);
    });
    live.catch(() => {});
    return () => {
      cancelled = true;
      void live.then((l) => l.unsubscribe()).catch(() => {});
    };
    // The query's text and parameters (key) decide when to subscribe again.
  }, [pg, key]);
  return rows?.key === key ? rows.rows : undefined;
}
