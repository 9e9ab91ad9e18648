/** Codes of the write API (PROTOCOL.md 2). */
export const WriteErrors = {
  IDEMPOTENCY_KEY_REQUIRED: 'IDEMPOTENCY_KEY_REQUIRED',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  INVALID_JSON: 'INVALID_JSON',
  INVALID_BATCH: 'INVALID_BATCH',
  BATCH_TOO_LARGE: 'BATCH_TOO_LARGE',
} as const;

/** Per-mutation codes in `results[]`. */
export const MutationCodes = {
  CONFLICT: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID: 'INVALID',
} as const;
