/** True when `err` (or its cause, as drizzle wraps driver errors) is a unique violation. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const { code, constraint_name: pgConstraint, constraint: liteConstraint } = e as Record<string, unknown>;
    if (code === '23505') {
      return !constraint || pgConstraint === constraint || liteConstraint === constraint || String((e as Error).message).includes(constraint);
    }
  }
  return false;
}
