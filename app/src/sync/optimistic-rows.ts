/*
 * What a list shows between a local write's commit and the live query's
 * next result: the write is already in the local database (its INSERT or
 * UPDATE returned), so the row is shown at once instead of one more round
 * trip later, and dropped from here as soon as the live rows carry it.
 */

export interface Optimistic<T extends { id: string }> {
  /** Rows just created here, newest first, shown on top of the first window. */
  created: T[];
  /** Fields just changed here, by row id. */
  patches: Record<string, Partial<T>>;
}

export const NO_OPTIMISTIC = { created: [], patches: {} };

/** The window's rows with the optimistic ones applied (created rows only on a window that starts at 0). */
export function withOptimistic<T extends { id: string }>(rows: readonly T[], offset: number, o: Optimistic<T>, showCreated: boolean): T[] {
  const ids = new Set(rows.map((r) => r.id));
  const created = showCreated && offset === 0 ? o.created.filter((r) => !ids.has(r.id)) : [];
  const patched = rows.map((r) => (o.patches[r.id] ? { ...r, ...o.patches[r.id] } : r));
  return created.length ? [...created, ...patched] : patched;
}

/** Drops what the live rows now show: created rows they contain, patches they match. */
export function pruneOptimistic<T extends { id: string }>(rows: readonly T[], o: Optimistic<T>): Optimistic<T> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const created = o.created.filter((r) => !byId.has(r.id));
  const patches: Record<string, Partial<T>> = {};
  for (const [id, patch] of Object.entries(o.patches)) {
    const live = byId.get(id) as Record<string, unknown> | undefined;
    if (!live || !Object.entries(patch).every(([k, v]) => live[k] === v)) patches[id] = patch;
  }
  const same = created.length === o.created.length && Object.keys(patches).length === Object.keys(o.patches).length;
  return same ? o : { created, patches };
}
