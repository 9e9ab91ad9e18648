/**
 * Sorting database errors raised while a batch runs. Only errors about the
 * data itself may become a per-mutation `rejected INVALID`; anything else
 * (a deadlock, a lost connection, a bug) must fail the whole batch so that
 * nothing commits and the client retries with the same key. Turning a
 * transient error into a rejection would make the client drop a write the
 * server never refused.
 */

/** The SQLSTATE of a driver error, looking through drizzle's wrapper. */
export function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Class 22 (data exception) or 23 (integrity constraint violation): the mutation's own fault. */
export function isDataError(err: unknown): boolean {
  const s = sqlState(err);
  return s !== undefined && (s.startsWith('22') || s.startsWith('23'));
}

/** Serialization failure or deadlock: running the whole batch again may succeed. */
export function isTransient(err: unknown): boolean {
  const s = sqlState(err);
  return s === '40001' || s === '40P01';
}

/**
 * What a client hears about a data error: a fixed sentence per SQLSTATE,
 * never the database's own text (it names constraints, tables and values;
 * the log keeps it, see `dataErrorLog`).
 */
export function dataErrorSentence(err: unknown): string {
  const s = sqlState(err) ?? '';
  return DATA_ERROR_SENTENCES[s] ?? (s.startsWith('23') ? 'This change conflicts with a rule of the database.' : 'A value is not valid for its field.');
}

const DATA_ERROR_SENTENCES: Record<string, string> = {
  '23502': 'A required value is missing.',
  '23503': 'A referenced record does not exist.',
  '23505': 'Another record already uses one of these values.',
  '23514': 'A value is outside what this field allows.',
  '23P01': 'This change overlaps another record.',
  '22001': 'A value is too long.',
  '22003': 'A number is out of range.',
  '22007': 'A date or time is not valid.',
  '22008': 'A date or time is out of range.',
  '22021': 'Text may not contain NUL characters or unpaired surrogates.',
  '22P02': 'A value has the wrong format.',
  '22P05': 'Text may not contain NUL characters or unpaired surrogates.',
};

/**
 * The fields of a data error worth logging: SQLSTATE, the driver's first
 * message line (without drizzle's "Failed query: ..." wrapper, which holds
 * the statement and its parameters), and the constraint and table it names.
 * The error's `detail` is left out: it quotes the row's values.
 */
export function dataErrorLog(err: unknown): { sqlState: string | undefined; error: string; constraint?: string; dbTable?: string } {
  const cause = (err as { cause?: { message?: unknown; constraint_name?: unknown; table_name?: unknown; constraint?: unknown; table?: unknown } }).cause;
  const message = typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  const constraint = cause?.constraint_name ?? cause?.constraint;
  const table = cause?.table_name ?? cause?.table;
  return {
    sqlState: sqlState(err),
    error: message.split('\n')[0] ?? message,
    ...(typeof constraint === 'string' ? { constraint } : {}),
    ...(typeof table === 'string' ? { dbTable: table } : {}),
  };
}
