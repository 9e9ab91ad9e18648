import { AppError } from '../errors.ts';
import { ShapeErrors } from './errors.ts';
import { parseOffset, type ParsedOffset } from './offsets.ts';

/** The protocol params the client may send; everything else is ignored. */
export const PROTOCOL_PARAMS = ['offset', 'handle', 'live', 'cursor', 'log', 'replica', 'expired_handle', 'cache-buster'] as const;

export interface ShapeQuery {
  name: string;
  offset: ParsedOffset;
  rawOffset: string;
  handle: string | undefined;
  live: boolean;
  cursor: string | undefined;
}

const bad = (message: string) => new AppError(400, ShapeErrors.BAD_SHAPE_PARAMS, message);

/** True for keys through which a client would choose SQL: where, params, params[n], columns. */
export function isClientSqlKey(key: string): boolean {
  return key === 'where' || key === 'columns' || key === 'params' || /^params\[/.test(key);
}

/**
 * Parses the query of GET /v1/shape (PROTOCOL.md 1). The client never chooses
 * SQL: `where`, `params[n]` and `columns` are refused with 400.
 */
export function parseShapeQuery(url: URL): ShapeQuery {
  const q = url.searchParams;
  for (const key of q.keys()) {
    if (isClientSqlKey(key)) {
      throw new AppError(400, ShapeErrors.CLIENT_SQL_NOT_ALLOWED, `The server chooses a shape's rows and columns; "${key}" is not accepted.`);
    }
  }
  const name = q.get('table');
  if (!name) throw bad('"table" (the shape name) is required.');
  const rawOffset = q.get('offset') ?? '-1';
  const offset = parseOffset(rawOffset);
  if (!offset) throw bad(`"offset" ${JSON.stringify(rawOffset.slice(0, 40))} is not an offset.`);
  const liveRaw = q.get('live');
  if (liveRaw !== null && liveRaw !== 'true' && liveRaw !== 'false') throw bad('"live" must be true or false.');
  const live = liveRaw === 'true';
  const handle = q.get('handle') ?? undefined;
  if ((offset.kind === 'at' || offset.kind === 'chunk') && !handle) throw bad('An offset other than -1 or now needs "handle".');
  // A first snapshot still under way continues with non-live requests; the client goes live after its up-to-date.
  if (live && offset.kind !== 'at') throw bad('live=true needs the offset of an up-to-date response.');
  return { name, offset, rawOffset, handle: offset.kind === 'initial' ? undefined : handle, live, cursor: q.get('cursor') ?? undefined };
}
