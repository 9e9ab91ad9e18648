import { createMiddleware } from 'hono/factory';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';

/** Where buckets live. The default is this process's memory. */
export interface BucketStore {
  /** Takes one token from `key`'s bucket; answers how long to wait when it is empty. */
  take(key: string, capacity: number, refillPerSec: number, nowMs: number): Promise<{ ok: true } | { ok: false; retryAfterSec: number }>;
}

/**
 * Token buckets in memory. With several sync-server instances each keeps its
 * own buckets, so the effective limit is N times the configured one; use the
 * Postgres store (postgres-store.ts) to share them.
 */
export function memoryStore(maxKeys = 100_000): BucketStore {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, capacity, refillPerSec, nowMs) {
      const b = buckets.get(key) ?? { tokens: capacity, at: nowMs };
      // A clock stepped backwards refills nothing (and takes nothing away).
      const tokens = Math.min(capacity, b.tokens + (Math.max(0, nowMs - b.at) / 1000) * refillPerSec);
      if (buckets.size >= maxKeys && !buckets.has(key)) buckets.delete(buckets.keys().next().value ?? '');
      if (tokens < 1) {
        buckets.set(key, { tokens, at: nowMs });
        return Promise.resolve({ ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / refillPerSec)) });
      }
      buckets.set(key, { tokens: tokens - 1, at: nowMs });
      return Promise.resolve({ ok: true });
    },
  };
}

export interface RateLimitRule {
  name: string;
  /** Burst size. */
  capacity: number;
  /** Tokens per second. */
  refillPerSec: number;
  /** What a bucket belongs to: the client IP, and the user (signed in, or the account signed into). */
  keys: (c: Context<AppEnv>) => string[] | Promise<string[]>;
}

/** The caller's IP: from the socket, or from a trusted proxy header when configured. */
export function clientIp(c: Context<AppEnv>, proxyHeader: string | undefined): string {
  if (proxyHeader) {
    const v = c.req.header(proxyHeader);
    if (v) return v.split(',')[0]?.trim() ?? 'unknown';
  }
  // app.request() (tests, benchmarks) has no socket; asking getConnInfo would throw, and a
  // throw per request is not free.
  const env = c.env as { incoming?: unknown; server?: { incoming?: unknown } } | undefined;
  if (!env?.incoming && !env?.server?.incoming) return 'unknown';
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Takes one token from each of the rule's buckets for this request; throws 429 with Retry-After in the envelope when one is empty. */
export async function takeTokens(store: BucketStore, clock: Clock, rule: RateLimitRule, c: Context<AppEnv>): Promise<void> {
  for (const k of await rule.keys(c)) {
    const r = await store.take(`${rule.name}:${k}`, rule.capacity, rule.refillPerSec, clock.now().getTime());
    if (!r.ok) {
      c.get('log').info('rate limited', { rule: rule.name, retryAfterSec: r.retryAfterSec });
      c.header('Retry-After', String(r.retryAfterSec));
      throw new AppError(429, 'RATE_LIMITED', 'Too many requests; try again later.', { retryAfterSeconds: r.retryAfterSec });
    }
  }
}

/** 429 with Retry-After in the envelope when any of the rule's buckets is empty. */
export function rateLimit(store: BucketStore, clock: Clock, rule: RateLimitRule) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await takeTokens(store, clock, rule, c);
    await next();
  });
}
