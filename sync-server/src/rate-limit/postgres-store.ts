import { sql } from 'drizzle-orm';
import type { Database } from '../db/types.ts';
import type { BucketStore } from './token-bucket.ts';

/**
 * Buckets in the database, shared by every instance. Each take locks the
 * bucket's row, refills it by the elapsed time and takes a token if one is
 * there, in one short transaction.
 */
export function postgresStore(db: Database): BucketStore {
  return {
    take(key, capacity, refillPerSec, nowMs) {
      return db.orm.transaction(async (tx) => {
        const now = new Date(nowMs).toISOString();
        await db.rows(sql`insert into rate_limit_buckets (key, tokens, at) values (${key}, ${capacity}, ${now}::timestamptz) on conflict (key) do nothing`, tx);
        const [b] = await db.rows<{ tokens: number; at: Date | string }>(sql`select tokens, at from rate_limit_buckets where key = ${key} for update`, tx);
        const elapsed = Math.max(0, (nowMs - new Date(b?.at ?? now).getTime()) / 1000);
        const tokens = Math.min(capacity, Number(b?.tokens ?? capacity) + elapsed * refillPerSec);
        const granted = tokens >= 1;
        await db.rows(sql`update rate_limit_buckets set tokens = ${granted ? tokens - 1 : tokens}, at = ${now}::timestamptz where key = ${key}`, tx);
        return granted ? { ok: true as const } : { ok: false as const, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / refillPerSec)) };
      });
    },
  };
}
