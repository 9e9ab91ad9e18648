import { timingSafeEqual } from 'node:crypto';
import { SHAPES, type ResolvedShape, type ShapeName } from '@streamflow/shapes';
import { AppError } from '../errors.ts';
import { ShapeErrors } from './errors.ts';

const SYNCED_TABLES = new Set(Object.values(SHAPES).map((s) => s.table));

/** Whether the request carries the upstream secret (constant-time compare). */
export function hasUpstreamSecret(url: URL, secret: string | undefined): boolean {
  const sent = url.searchParams.get('secret');
  if (!secret || !sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Electric-compatible upstream mode: with the shared secret (as Electric's own
 * `secret` param), a trusted proxy names table, where, params[n] and columns
 * itself. This lets one sync-server act as the "Electric" behind another's
 * proxy mode (tests, or a read tier). Only synced tables are served.
 */
export function rawShapeFrom(url: URL): { shape: ResolvedShape; query: URL } {
  const q = url.searchParams;
  const table = q.get('table') ?? '';
  if (!SYNCED_TABLES.has(table)) throw new AppError(400, ShapeErrors.UNKNOWN_SHAPE, 'Not a synced table.');
  const where = q.get('where') ?? 'true';
  const params: string[] = [];
  for (let i = 1; q.has(`params[${i}]`); i++) params.push(q.get(`params[${i}]`) ?? '');
  const columns = (q.get('columns') ?? '')
    .split(',')
    .map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
    .filter(Boolean);
  if (columns.length === 0 || columns.some((c) => !/^[a-z_][a-z0-9_]*$/.test(c))) {
    throw new AppError(400, ShapeErrors.BAD_SHAPE_PARAMS, 'columns must name the columns.');
  }
  const stripped = new URL(url);
  for (const k of ['where', 'columns', 'secret']) stripped.searchParams.delete(k);
  for (const k of [...stripped.searchParams.keys()]) if (k.startsWith('params')) stripped.searchParams.delete(k);
  const shape: ResolvedShape = { name: table as ShapeName, table, columns, primaryKey: ['id'], where, params };
  return { shape, query: stripped };
}
