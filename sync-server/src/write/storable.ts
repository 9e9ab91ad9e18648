import type { Mutation } from './types.ts';

/*
 * Postgres text and jsonb cannot hold NUL (U+0000), and jsonb refuses an
 * unpaired UTF-16 surrogate ("\ud800" parses in JavaScript, not in
 * Postgres); in a text column the driver would silently turn one into
 * U+FFFD. A mutation carrying either is refused before anything of it is
 * used, so no outcome, audit record or stored answer ever embeds text the
 * database cannot store.
 */

// With the u flag a well-formed surrogate pair is one code point, so only an unpaired half matches.
// eslint-disable-next-line no-control-regex -- NUL is what this looks for
const UNSTORABLE = /[\u0000\ud800-\udfff]/u;
// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE_ALL = /[\u0000\ud800-\udfff]/gu;

/** True when `s` holds a character Postgres text or jsonb cannot store. */
export function hasUnstorableText(s: string): boolean {
  return UNSTORABLE.test(s);
}

/** `s` with every character Postgres cannot store replaced by U+FFFD (for labels kept about refused input). */
export function storableText(s: string): string {
  return s.replace(UNSTORABLE_ALL, '\ufffd');
}

/** How deep `values` and `base` may nest (a jsonb field holding objects in arrays is 3). */
export const MAX_VALUE_DEPTH = 32;

/**
 * Why the database could not store what a mutation carries, or null: a
 * string the client chose (table, hlc, and every key and string value of
 * `values` and `base`, however deep) that Postgres cannot hold, or values
 * nested deeper than MAX_VALUE_DEPTH (Postgres parses jsonb recursively and
 * fails a deep value with "stack depth limit exceeded", which is not a data
 * error and would fail the whole batch). Walks iteratively, so no input can
 * overflow this stack either.
 */
export function unstorableMutation(m: Pick<Mutation, 'table' | 'hlc' | 'values' | 'base'>): string | null {
  const text = 'Text may not contain NUL characters or unpaired surrogates.';
  if (hasUnstorableText(m.table) || (m.hlc !== undefined && hasUnstorableText(m.hlc))) return text;
  const stack: [unknown, number][] = [
    [m.values, 0],
    [m.base, 0],
  ];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, depth] = next;
    if (typeof v === 'string') {
      if (hasUnstorableText(v)) return text;
    } else if (v !== null && typeof v === 'object') {
      if (depth > MAX_VALUE_DEPTH) return `Values may be nested at most ${MAX_VALUE_DEPTH} levels deep.`;
      if (Array.isArray(v)) {
        for (const x of v) stack.push([x, depth + 1]);
      } else {
        for (const [k, x] of Object.entries(v)) {
          if (hasUnstorableText(k)) return text;
          stack.push([x, depth + 1]);
        }
      }
    }
  }
  return null;
}

/**
 * How deep a parsed JSON value nests, counted without recursion and
 * stopping once past `limit` (the batch is hashed by a recursive walk, so a
 * body nested thousands deep is refused before that).
 */
export function nestedDeeperThan(v: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [x, depth] = next;
    if (x === null || typeof x !== 'object') continue;
    if (depth >= limit) return true;
    for (const y of Array.isArray(x) ? x : Object.values(x)) stack.push([y, depth + 1]);
  }
  return false;
}
