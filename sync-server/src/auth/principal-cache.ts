import { createHash } from 'node:crypto';
import type { Auth } from './better-auth.ts';
import type { Principal } from './principal.ts';

/** How long a cached principal may be handed out before the session is looked up again. */
export const PRINCIPAL_CACHE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  until: number;
}

/**
 * Principals of recent sessions, in this process only (ADR 007). Used for
 * `POST /api/write` alone, where the batch checks the cached principal again
 * inside its own transaction, in the statement that claims the idempotency
 * key (write/ledger.ts): a revoked or expired session, a removed member, a
 * tenant switch or a changed role or elevation is seen by the very next
 * batch, in every instance. Caching saves better-auth's session lookup and
 * the principal query (three round trips) on every other batch. Every other
 * route resolves the principal fresh.
 *
 * Only plain tenant members are cached (not platform staff, not
 * impersonation, not a tenant chosen by fallback). Keys are a hash of the
 * request's Cookie and Authorization headers, so a hit needs the very
 * credentials better-auth verified when the entry was made.
 */
export class PrincipalCache {
  readonly #entries = new Map<string, Entry>();
  readonly #handedOut = new WeakSet<Principal>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  /** Requests served from the cache so far. */
  hits = 0;

  constructor(opts: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#ttlMs = opts.ttlMs ?? PRINCIPAL_CACHE_TTL_MS;
    this.#maxEntries = opts.maxEntries ?? MAX_ENTRIES;
  }

  /** The key of a request's credentials, or null when it carries none. */
  keyOf(headers: Headers): string | null {
    const cookie = headers.get('cookie') ?? '';
    const authorization = headers.get('authorization') ?? '';
    if (!cookie && !authorization) return null;
    return createHash('sha256').update(cookie).update('\n').update(authorization).digest('base64url');
  }

  /** The cached principal for `key`, if fresh enough; it must be verified before it authorises a write. */
  get(key: string, nowMs: number): Principal | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.until <= nowMs) {
      this.#entries.delete(key);
      return undefined;
    }
    this.hits++;
    return e.principal;
  }

  /**
   * Remembers a principal just resolved from a verified session. The cache
   * keeps its own copy, so the request that resolved it is not taken for a
   * cached one.
   */
  set(key: string, resolved: Principal, nowMs: number): void {
    const principal = { ...resolved };
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      // Oldest first: a Map iterates in insertion order.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.delete(key);
    this.#entries.set(key, { principal, until: nowMs + this.#ttlMs });
    this.#handedOut.add(principal);
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** True when `p` came out of this cache (and so has not been checked against the database for this request). */
  isCached(p: Principal): boolean {
    return this.#handedOut.has(p);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** One cache per better-auth instance, that is per app: the sessions it caches are that instance's. */
const caches = new WeakMap<Auth, PrincipalCache>();

export function principalCacheOf(auth: Auth): PrincipalCache {
  let cache = caches.get(auth);
  if (!cache) {
    cache = new PrincipalCache();
    caches.set(auth, cache);
  }
  return cache;
}
