import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ZodError } from 'zod';
import type { AppEnv } from '../context.ts';
import { AppError, CommonErrors, codeForStatus, envelope } from '../errors.ts';
import type { Logger } from '../logger.ts';

/**
 * The one place errors become responses, always in the envelope of
 * PROTOCOL.md section 3. Unknown errors answer 500 with the request id; the
 * stack goes only to the log.
 */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    const log = c.get('log') ?? logger;
    const requestId = c.get('requestId');
    if (err instanceof AppError) {
      if (err.logDetails) log.warn('request refused', { code: err.code, status: err.status, ...err.logDetails });
      return c.json(envelope(err.code, err.message, err.details), err.status);
    }
    // A body parsed outside the one parser (json-body.ts), e.g. a stray c.req.json().
    if (err instanceof SyntaxError) {
      return c.json(envelope(CommonErrors.INVALID_JSON, 'The body is not valid JSON.'), 400);
    }
    if (err instanceof ZodError) {
      return c.json(
        envelope(CommonErrors.VALIDATION_FAILED, 'The request is not valid.', { issues: err.issues }),
        422,
      );
    }
    if (err instanceof HTTPException) {
      const res = err.getResponse();
      for (const [k, v] of res.headers) if (k.toLowerCase() === 'retry-after') c.header(k, v);
      return c.json(envelope(codeForStatus(err.status), err.message || 'Request failed.'), err.status);
    }
    const sqlState = dataExceptionOf(err);
    if (sqlState) {
      // Input that reached SQL unvalidated (a NUL in a path, a number out of range): the
      // caller's fault, so 400; the database's text stays in the log.
      log.warn('data exception', { sqlState, err });
      return c.json(envelope(CommonErrors.BAD_REQUEST, 'The request holds a value that cannot be stored or compared.'), 400);
    }
    log.error('unhandled error', { err });
    return c.json(
      envelope(CommonErrors.INTERNAL, 'Something went wrong on our side.', { requestId }),
      500,
    );
  };
}

/**
 * The SQLSTATE of a Postgres data exception (class 22: invalid text, NUL,
 * out-of-range number or date) behind `err`, which drizzle wraps as `cause`.
 */
function dataExceptionOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return code;
  }
  return undefined;
}
