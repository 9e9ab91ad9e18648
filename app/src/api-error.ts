/*
 * The server's error envelope and the error `api()` throws, apart from api.ts
 * so code without the build configuration (the error words, tools) can use it.
 */

/** The error envelope every server route answers with (PROTOCOL.md section 3). */
export interface ApiErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
