/**
 * Database errors without the values of the failing query. drizzle's
 * `DrizzleQueryError` puts every bound parameter in its message
 * (`Failed query: ...\nparams: <values>`) and so in its stack; postgres.js
 * errors carry `parameters` (and `query`); and Postgres itself quotes a bad
 * value in some messages (`invalid input syntax for type uuid: "<value>"`).
 * Parameters are passwords, tokens, emails and customer data, so nothing
 * that is logged or stored (job errors, audit details) may hold them: the
 * query text stays (it has only `$n` placeholders), every value is replaced.
 */

const REDACTED = '[redacted]';
/** Shorter values are left in place: replacing "1" or "t" everywhere would garble the text and hide nothing. */
const MIN_SECRET_LENGTH = 3;
const MAX_DEPTH = 5;

/** What the logger writes for an error. */
export interface RedactedError {
  name: string;
  message: string;
  stack?: string;
  /** SQLSTATE of a database error. */
  code?: string;
  cause?: RedactedError | string;
}

/** Every parameter value carried anywhere in the error and its causes, as text. */
function secretsOf(err: unknown): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (v === null || v === undefined) return;
    const text =
      typeof v === 'string'
        ? v
        : v instanceof Date
          ? v.toISOString()
          : typeof v === 'object'
            ? safeJson(v)
            : String(v);
    if (text.length >= MIN_SECRET_LENGTH) out.add(text);
    // A parameter may be JSON text whose values appear on their own in a message.
    if (typeof v === 'string' && (v.startsWith('{') || v.startsWith('['))) {
      try {
        collectStrings(JSON.parse(v) as unknown, out);
      } catch {
        // not JSON: the whole text is already covered
      }
    }
  };
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < MAX_DEPTH; depth++) {
    for (const key of ['params', 'parameters'] as const) {
      const values = (e as Record<string, unknown>)[key];
      if (Array.isArray(values)) for (const v of values) add(v);
    }
    e = (e as { cause?: unknown }).cause;
  }
  // Longest first, so a value containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

function collectStrings(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 10) return;
  if (typeof v === 'string') {
    if (v.length >= MIN_SECRET_LENGTH) out.add(v);
  } else if (Array.isArray(v)) {
    for (const x of v) collectStrings(x, out, depth + 1);
  } else if (v && typeof v === 'object') {
    for (const x of Object.values(v)) collectStrings(x, out, depth + 1);
  }
}

function safeJson(v: object): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

/** drizzle's wrapper message with its params line replaced, whatever the values contain. */
function withoutParams(e: Error): string {
  const query = (e as { query?: unknown }).query;
  const params = (e as { params?: unknown }).params;
  if (
    typeof query === 'string' &&
    Array.isArray(params) &&
    e.message.startsWith('Failed query: ')
  ) {
    return `Failed query: ${query}\nparams: ${REDACTED} (${params.length})`;
  }
  return e.message;
}

function redactWith(
  err: unknown,
  secrets: readonly string[],
  depth: number,
): RedactedError | string {
  if (!(err instanceof Error))
    return scrub(typeof err === 'string' ? err : safeJson(err ?? {}), secrets);
  const message = scrub(withoutParams(err), secrets);
  const out: RedactedError = { name: err.name, message };
  if (err.stack) {
    // The stack opens with "<name>: <message>"; the frames below hold no values.
    const original = `${err.name}: ${err.message}`;
    const stack = err.stack.startsWith(original)
      ? `${err.name}: ${message}${err.stack.slice(original.length)}`
      : err.stack;
    out.stack = scrub(stack, secrets);
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined && depth < MAX_DEPTH) out.cause = redactWith(cause, secrets, depth + 1);
  return out;
}

/** An error as it may be logged: messages, stack and causes, with every query parameter value replaced. */
export function redactError(err: Error): RedactedError {
  return redactWith(err, secretsOf(err), 0) as RedactedError;
}

/** `<name>: <message>` of an error (with its cause's message), safe to log or store. */
export function errorText(err: unknown): string {
  const r = redactWith(err, secretsOf(err), 0);
  if (typeof r === 'string') return r;
  const cause = typeof r.cause === 'object' ? `: ${r.cause.message}` : '';
  return `${r.name}: ${r.message}${cause}`;
}
