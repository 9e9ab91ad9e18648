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

/** The driver's message for a data error, without drizzle's "Failed query: ..." wrapper. */
export function dataErrorMessage(err: unknown): string {
  const cause = (err as { cause?: { message?: unknown; detail?: unknown } }).cause;
  const message = typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
