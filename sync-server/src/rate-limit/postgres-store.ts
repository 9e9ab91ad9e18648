import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';
import type { BucketStore } from './token-bucket.ts';

/**
 * Buckets in the database, shared by every instance. A take is one prepared
 * statement (it runs on every POST /api/write when this store is chosen):
 * an upsert that refills the bucket by the elapsed time (never by a clock
 * stepped backwards) and takes a token only when one is there, under the
 * row's lock. A row comes back exactly when a token was taken; a refused
 * take changes nothing, which refills the same later, and then reads the
 * bucket to say how long to wait.
 */
export function postgresStore(db: Database): BucketStore {
  return {
    async take(key, capacity, refillPerSec, nowMs) {
      const now = new Date(nowMs).toISOString();
      const refilled = sql`least(${capacity}::float8, b.tokens + greatest(0, extract(epoch from (${now}::timestamptz - b.at))) * ${refillPerSec}::float8)`;
      const taken = await db.rows<{ tokens: number }>(
        sql`insert into rate_limit_buckets as b (key, tokens, at) values (${key}, ${capacity}::float8 - 1, ${now}::timestamptz)
            on conflict (key) do update set tokens = ${refilled} - 1, at = ${now}::timestamptz
            where ${refilled} >= 1
            returning b.tokens`,
        undefined,
        { prepare: true },
      );
      if (taken.length > 0) return { ok: true as const };
      const [b] = await db.rows<{ tokens: number; at: Date | string }>(sql`select tokens, at from rate_limit_buckets where key = ${key}`, undefined, { prepare: true });
      const elapsed = Math.max(0, (nowMs - new Date(b?.at ?? now).getTime()) / 1000);
      const tokens = Math.min(capacity, Number(b?.tokens ?? 0) + elapsed * refillPerSec);
      return { ok: false as const, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / refillPerSec)) };
    },
  };
}
