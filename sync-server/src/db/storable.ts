/**
 * Postgres text and jsonb cannot hold a NUL character, and jsonb refuses a
 * lone UTF-16 surrogate escape (`"\udfff"`): a record built from request
 * input (an audit entry, a rejection) that must always be stored is passed
 * through these first. Each such character becomes U+FFFD.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `s` with NUL and lone surrogates replaced by U+FFFD. */
export function storableText(s: string): string {
  return s.replace(UNSTORABLE, '\uFFFD');
}

/** A JSON value with every string (keys too) made storable, for a jsonb column. */
export function storableJson(v: unknown): unknown {
  if (typeof v === 'string') return storableText(v);
  if (Array.isArray(v)) return v.map(storableJson);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [storableText(k), storableJson(x)]));
  }
  return v;
}
