import { describe, expect, it } from 'vitest';
import { pgliteEngine } from '../testing/db.ts';
import type { Principal } from './principal.ts';
import { PrincipalCache } from './principal-cache.ts';
import { principalCacheSuite } from './principal-cache.suite.ts';

principalCacheSuite(pgliteEngine);

const principal = (userId: string): Principal => ({
  userId,
  email: `${userId}@acme.test`,
  name: userId,
  sessionId: `s-${userId}`,
  space: 'client',
  orgId: 'acme',
  memberId: `m-${userId}`,
  roles: ['manager'],
  perms: new Set(['leads.create']),
});

describe('PrincipalCache', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it('keys on the exact Cookie and Authorization headers, and has no key without credentials', () => {
    const cache = new PrincipalCache();
    const cookie = cache.keyOf(headers({ cookie: 'better-auth.session_token=abc.sig' }));
    expect(cookie).not.toBeNull();
    expect(cache.keyOf(headers({ cookie: 'better-auth.session_token=abc.sig' }))).toBe(cookie);
    expect(cache.keyOf(headers({ cookie: 'better-auth.session_token=abc.sih' }))).not.toBe(cookie);
    expect(cache.keyOf(headers({ cookie: 'better-auth.session_token=abc.sig', authorization: 'Bearer x' }))).not.toBe(cookie);
    expect(cache.keyOf(headers({ authorization: 'Bearer x' }))).not.toBe(cache.keyOf(headers({ authorization: 'Bearer y' })));
    expect(cache.keyOf(headers({}))).toBeNull();
  });

  it('hands out its own copy, so only principals that came from it count as cached', () => {
    const cache = new PrincipalCache();
    const resolved = principal('u1');
    cache.set('k', resolved, 0);
    const hit = cache.get('k', 1);
    expect(hit).toEqual(resolved);
    expect(hit && cache.isCached(hit)).toBe(true);
    expect(cache.isCached(resolved)).toBe(false);
    expect(cache.hits).toBe(1);
  });

  it('forgets entries after the TTL, on request, and the oldest first when full', () => {
    const cache = new PrincipalCache({ ttlMs: 1000, maxEntries: 2 });
    cache.set('a', principal('a'), 0);
    expect(cache.get('a', 999)?.userId).toBe('a');
    expect(cache.get('a', 1000)).toBeUndefined();
    cache.set('a', principal('a'), 0);
    cache.set('b', principal('b'), 0);
    cache.set('c', principal('c'), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)?.userId).toBe('c');
    cache.forget('c');
    expect(cache.get('c', 1)).toBeUndefined();
  });
});
