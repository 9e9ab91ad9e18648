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
      return c.json(envelope(err.code, err.message, err.details), err.status);
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
    log.error('unhandled error', { err });
    return c.json(
      envelope(CommonErrors.INTERNAL, 'Something went wrong on our side.', { requestId }),
      500,
    );
  };
}
