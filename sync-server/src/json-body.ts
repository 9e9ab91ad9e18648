import type { Context } from 'hono';
import { AppError, CommonErrors } from './errors.ts';

/**
 * The one way a route reads a JSON body (docs/architecture.md, "Request
 * bodies"). Every refusal is an AppError in the envelope, never a 500:
 * - 415 `UNSUPPORTED_MEDIA_TYPE`: the Content-Type is not JSON;
 * - 413 `PAYLOAD_TOO_LARGE`: more than `maxBytes` (Content-Length or counted);
 * - 400 `INVALID_JSON`: not UTF-8, not JSON, nested deeper than
 *   {@link MAX_JSON_DEPTH}, or holding a `__proto__` key;
 * - 422 `VALIDATION_FAILED` with issues: a string or key holding a NUL
 *   character (no Postgres text column can store one).
 * Schema validation (zod, 422 with issues) happens after, in the route.
 */
export const BodyErrors = {
  INVALID_JSON: CommonErrors.INVALID_JSON,
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: CommonErrors.PAYLOAD_TOO_LARGE,
} as const;

/** Bodies of the app's JSON routes are small forms; a route that needs more says so. */
export const DEFAULT_JSON_MAX_BYTES = 64 * 1024;
/** Far deeper than any schema of ours; shallow enough that recursive code never meets a stack limit. */
export const MAX_JSON_DEPTH = 64;

export interface JsonBodyOptions {
  maxBytes?: number;
  /** Keep NUL characters (the write API turns them into per-mutation rejections). */
  allowNul?: boolean;
  /** A capability's own codes for the same refusals (the write API's documented BATCH_TOO_LARGE). */
  codes?: { tooLarge?: string };
}

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/;

/** True when the request says its body is JSON (`application/json`, `application/*+json`, any case, any parameters). */
export function isJsonContentType(header: string | undefined): boolean {
  const type = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  return JSON_TYPE.test(type);
}

/**
 * Reads the raw body as UTF-8 text, refusing a non-JSON Content-Type (415)
 * and more than `maxBytes` (413) without buffering past the limit. For routes
 * that must see the exact bytes first (signed requests) before parsing.
 */
export async function readJsonText(c: Context, opts: JsonBodyOptions = {}): Promise<string> {
  const max = opts.maxBytes ?? DEFAULT_JSON_MAX_BYTES;
  if (!isJsonContentType(c.req.header('content-type'))) {
    throw new AppError(415, BodyErrors.UNSUPPORTED_MEDIA_TYPE, 'Send the body as JSON (Content-Type: application/json).');
  }
  const tooLarge = () =>
    new AppError(413, opts.codes?.tooLarge ?? BodyErrors.PAYLOAD_TOO_LARGE, `The body may be at most ${max} bytes.`, { maxBytes: max });
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > max) throw tooLarge();
  const bytes = await readLimited(c, max);
  if (bytes === null) throw tooLarge();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidJson('The body is not UTF-8 text.');
  }
}

/** Parses JSON text with the rules above. */
export function parseJsonText(raw: string, opts: JsonBodyOptions = {}): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidJson('The body is not valid JSON.');
  }
  checkTree(value, opts.allowNul === true);
  return value;
}

/** Reads and parses a JSON body: `readJsonText` then `parseJsonText`. */
export async function readJson(c: Context, opts: JsonBodyOptions = {}): Promise<unknown> {
  return parseJsonText(await readJsonText(c, opts), opts);
}

function invalidJson(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError(400, BodyErrors.INVALID_JSON, message, details);
}

async function readLimited(c: Context, max: number): Promise<Uint8Array | null> {
  const req = c.req.raw;
  // Read already (by an earlier middleware): Hono keeps the text.
  if (req.bodyUsed) {
    const text = await c.req.text();
    const bytes = new TextEncoder().encode(text);
    return bytes.byteLength > max ? null : bytes;
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * One walk over the parsed value (iterative, so depth cannot overflow the
 * stack here): depth, `__proto__` keys and NUL characters. A `__proto__`
 * own key is harmless to JSON.parse but turns into a prototype change in any
 * later `Object.assign` or `for...in` copy, so it is refused outright.
 */
function checkTree(root: unknown, allowNul: boolean): void {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }];
  const nul = (path: (string | number)[]) =>
    new AppError(422, CommonErrors.VALIDATION_FAILED, 'The request is not valid.', {
      issues: [{ code: 'custom', path, message: 'Text may not contain a NUL character.' }],
    });
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { v, path } = item;
    if (typeof v === 'string') {
      if (!allowNul && v.includes('\u0000')) throw nul(path);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= MAX_JSON_DEPTH) throw invalidJson(`The body is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
      continue;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === '__proto__') throw invalidJson('The body may not hold a "__proto__" key.', { path });
      if (!allowNul && k.includes('\u0000')) throw nul([...path, k.replaceAll('\u0000', '\\u0000')]);
      stack.push({ v: x, path: [...path, k] });
    }
  }
}
