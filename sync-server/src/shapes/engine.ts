import type { ResolvedShape } from '@streamflow/shapes';
import type { Database } from '../db/types.ts';
import type { Logger } from '../logger.ts';
import { createSchemaCache } from './electric-schema.ts';
import { createHandles, shapeKeyOf } from './handles.ts';
import { readLog, type LogRead } from './log-reader.ts';
import { ANY_TENANT, createNotifier } from './notifier.ts';
import { formatChunkOffset, formatOffset, type ParsedOffset } from './offsets.ts';
import { createShapeMetrics } from './shape-metrics.ts';
import { takeSnapshotChunk } from './snapshot.ts';

export interface EngineOptions {
  /** How long a live request is held before answering up-to-date (ms). */
  liveTimeoutMs: number;
  /** Fallback poll of the watermark, in case a notification is lost (ms). */
  pollMs: number;
  /** Rows per response of a first snapshot (default 10,000: about 5 MB of leads). */
  snapshotChunkRows?: number;
}

/** Rows per snapshot chunk unless configured: bounds a response's memory on both ends. */
export const SNAPSHOT_CHUNK_ROWS = 10_000;

export interface ShapeAnswer {
  status: 200 | 409;
  headers: Record<string, string>;
  body: string;
}

const MUST_REFETCH = '[{"headers":{"control":"must-refetch"}}]';
const upToDate = (w: bigint) => `{"headers":{"control":"up-to-date","global_last_seen_lsn":"${w}"}}`;
const bodies = new WeakMap<readonly string[], { w: bigint; text: string }>();
/** The response body; memoised per read so a fan-out to many live clients joins the messages once. */
function body(json: readonly string[], w: bigint): string {
  if (json.length === 0) return `[${upToDate(w)}]`;
  const hit = bodies.get(json);
  if (hit && hit.w === w) return hit.text;
  const text = `[${json.join(',')},${upToDate(w)}]`;
  bodies.set(json, { w, text });
  return text;
}

/**
 * The built-in shape engine: snapshot at a watermark, then the change log
 * strictly after it; live requests held until a commit of the tenant lands.
 * Identical reads (same shape, same range) share one query and one body, so a
 * write fans out to many live clients of a shape at the cost of one read.
 */
export function createShapeEngine(db: Database, logger: Logger, options: EngineOptions) {
  const opts = { snapshotChunkRows: SNAPSHOT_CHUNK_ROWS, ...options };
  const notifier = createNotifier(db, logger, { pollMs: opts.pollMs });
  const handles = createHandles(db);
  const schemas = createSchemaCache(db);
  const metrics = createShapeMetrics(() => (notifier.watermark > 0n ? notifier.watermark : 0n));
  const inflight = new Map<string, Promise<LogRead>>();
  let prunedThrough = 0n;
  let closed = false;

  /** The shape's NOT NULL jsonb columns (read from the logged image, log-reader.ts). */
  async function jsonbColumnsOf(shape: ResolvedShape): Promise<string[]> {
    const cols = await schemas.columns(shape.table);
    return shape.columns.filter((c) => cols[c]?.type === 'jsonb' && cols[c]?.not_null === true);
  }

  /** One log read per (shape, range) at a time; followers share the leader's result. */
  function sharedRead(shape: ResolvedShape, key: string, orgId: string | null, from: bigint, to: bigint): Promise<LogRead> {
    const k = `${key}|${from}|${to}`;
    let p = inflight.get(k);
    if (!p) {
      p = jsonbColumnsOf(shape).then((jsonb) => readLog(db, shape, orgId, from, to, jsonb));
      inflight.set(k, p);
      // Keep the result briefly for stragglers of the same wake-up.
      const drop = () => setTimeout(() => inflight.delete(k), 1_000).unref();
      p.then(drop, drop);
    }
    return p;
  }

  async function refetch(shape: ResolvedShape, orgId: string | null, key: string, reason: string): Promise<ShapeAnswer> {
    metrics.mustRefetch(reason);
    const handle = await handles.mint(orgId ?? ANY_TENANT, shape.name, key);
    return { status: 409, headers: { 'electric-handle': handle, 'content-type': 'application/json' }, body: MUST_REFETCH };
  }

  function answer(handle: string, offset: bigint, w: bigint, json: readonly string[], extra: Record<string, string>): ShapeAnswer {
    metrics.watermarks(notifier.watermark, w);
    return {
      status: 200,
      headers: { 'electric-handle': handle, 'electric-offset': formatOffset(offset), 'electric-up-to-date': '', ...extra },
      body: body(json, w),
    };
  }

  return {
    metrics,
    notifier,
    handles,
    start: () => notifier.start(),
    /** Called by the retention job after pruning. */
    setPrunedThrough(lsn: bigint): void {
      if (lsn > prunedThrough) prunedThrough = lsn;
    },
    async serve(
      shape: ResolvedShape,
      /** The caller's tenant; null only in the trusted upstream mode. */
      orgId: string | null,
      req: { offset: ParsedOffset; handle: string | undefined; live: boolean; cursor: string | undefined; signal?: AbortSignal },
    ): Promise<ShapeAnswer> {
      if (closed) throw new Error('shape engine closed');
      await notifier.start();
      const key = shapeKeyOf(shape);
      const schema = () => schemas.header(shape.table, shape.columns);

      if (req.offset.kind === 'initial' || req.offset.kind === 'chunk') {
        const position = req.offset.kind === 'chunk' ? { lsn: req.offset.lsn, after: req.offset.after } : undefined;
        let handle: string;
        if (position) {
          handle = req.handle ?? '';
          if (!(await handles.isValid(handle, orgId ?? ANY_TENANT, key))) return refetch(shape, orgId, key, 'unknown_handle');
          if (position.lsn < prunedThrough) return refetch(shape, orgId, key, 'offset_pruned');
        } else {
          handle = await handles.currentFor(orgId ?? ANY_TENANT, shape.name, key);
        }
        const [snap, sch] = await Promise.all([takeSnapshotChunk(db, shape, orgId, { limit: opts.snapshotChunkRows, from: position }), schema()]);
        if (snap.kind === 'refetch') return refetch(shape, orgId, key, snap.reason);
        if (snap.prunedThrough > prunedThrough) prunedThrough = snap.prunedThrough;
        metrics.responded(position ? 'snapshot_chunk' : 'snapshot');
        if (snap.lastKey === null) return answer(handle, snap.watermark, snap.watermark, snap.json, { 'electric-schema': sch });
        // More rows follow: no up-to-date; the client asks again from this chunk's offset (and prefetches it).
        return {
          status: 200,
          headers: { 'electric-handle': handle, 'electric-offset': formatChunkOffset(snap.watermark, snap.lastKey), 'electric-schema': sch },
          body: `[${snap.json.join(',')}]`,
        };
      }
      if (req.offset.kind === 'now') {
        const [w, handle, sch] = await Promise.all([notifier.refresh(), handles.currentFor(orgId ?? ANY_TENANT, shape.name, key), schema()]);
        metrics.responded('now');
        return answer(handle, w, w, [], { 'electric-schema': sch });
      }

      const from = req.offset.lsn;
      const handle = req.handle ?? '';
      if (!(await handles.isValid(handle, orgId ?? ANY_TENANT, key))) return refetch(shape, orgId, key, 'unknown_handle');
      if (from < prunedThrough) return refetch(shape, orgId, key, 'offset_pruned');

      if (!req.live) {
        const w = await notifier.refresh();
        if (from > w) return refetch(shape, orgId, key, 'offset_ahead');
        const read = await sharedRead(shape, key, orgId, from, w);
        if (read.kind === 'refetch') return refetch(shape, orgId, key, read.reason);
        metrics.responded('catch_up');
        return answer(handle, w, w, read.json, { 'electric-schema': await schema() });
      }

      // Live: answer as soon as (from, watermark] holds a change of this shape.
      const cursor = nextCursor(req.cursor);
      let scanned = from;
      let w = notifier.watermark;
      if (from > w) w = await notifier.refresh();
      if (from > w) return refetch(shape, orgId, key, 'offset_ahead');
      const deadline = Date.now() + opts.liveTimeoutMs;
      metrics.liveStarted(shape.name);
      try {
        for (;;) {
          if (w > scanned) {
            const read = await sharedRead(shape, key, orgId, scanned, w);
            if (read.kind === 'refetch') return await refetch(shape, orgId, key, read.reason);
            if (read.json.length > 0) {
              metrics.responded('live_change');
              return answer(handle, w, w, read.json, { 'electric-cursor': cursor });
            }
            scanned = w;
          }
          const left = deadline - Date.now();
          if (left <= 0 || req.signal?.aborted || closed) break;
          // A commit noticed while the read ran woke nobody (no waiter yet): read again before waiting.
          if (notifier.watermark > scanned) {
            w = notifier.watermark;
            continue;
          }
          const woke = await notifier.wait(orgId ?? ANY_TENANT, left, req.signal);
          w = woke ?? notifier.watermark;
        }
      } finally {
        metrics.liveEnded(shape.name);
      }
      // Timeout: the same offset, a new cursor, just up-to-date (PROTOCOL.md, live mode).
      metrics.responded('live_timeout');
      return answer(handle, from, scanned, [], { 'electric-cursor': cursor });
    },
    async close(): Promise<void> {
      closed = true;
      await notifier.close();
    },
  };
}

/** A cursor that changes over time and always differs from the one the client sent. */
function nextCursor(sent: string | undefined): string {
  const interval = Math.floor(Date.now() / 20_000);
  const prev = sent && /^\d{1,15}$/.test(sent) ? Number(sent) : 0;
  return String(Math.max(interval, prev + 1));
}

export type ShapeEngine = ReturnType<typeof createShapeEngine>;
