import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The one error type handlers throw. `onError` (see app.ts) turns it, and
 * every other error, into the envelope of PROTOCOL.md section 3:
 * `{ error: { code, message, details } }`.
 */
export class AppError extends HTTPException {
  readonly code: string;
  readonly details: Record<string, unknown>;
  /** For the operator only: logged by `onError`, never sent (e.g. which server variable is missing). */
  readonly logDetails: Record<string, unknown> | undefined;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    details: Record<string, unknown> = {},
    logDetails?: Record<string, unknown>,
  ) {
    super(status, { message });
    this.code = code;
    this.details = details;
    this.logDetails = logDetails;
  }
}

/** Codes shared by every capability; each capability declares its own beside its routes. */
export const CommonErrors = {
  BAD_REQUEST: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A body that is not JSON where JSON is required (also any stray JSON SyntaxError). */
  INVALID_JSON: 'INVALID_JSON',
  RATE_LIMITED: 'RATE_LIMITED',
  NOT_READY: 'NOT_READY',
  INTERNAL: 'INTERNAL',
} as const;

/** The wire shape of every error body. */
export interface ErrorEnvelope {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export function envelope(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): ErrorEnvelope {
  return { error: { code, message, details } };
}

/** The envelope code for a bare HTTP status (errors thrown by Hono or middleware). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return CommonErrors.BAD_REQUEST;
    case 401:
      return CommonErrors.UNAUTHENTICATED;
    case 403:
      return CommonErrors.FORBIDDEN;
    case 404:
      return CommonErrors.NOT_FOUND;
    case 413:
      return CommonErrors.PAYLOAD_TOO_LARGE;
    case 422:
      return CommonErrors.VALIDATION_FAILED;
    case 429:
      return CommonErrors.RATE_LIMITED;
    default:
      return status >= 500 ? CommonErrors.INTERNAL : CommonErrors.BAD_REQUEST;
  }
}
