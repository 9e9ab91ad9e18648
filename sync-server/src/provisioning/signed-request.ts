import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { MAX_FUTURE_SKEW_S } from '../clock.ts';
import type { Database } from '../db/types.ts';

/**
 * HMAC-signed platform requests (PRODUCT.md 9), used by provisioning and the
 * federation handshake. The signature covers the timestamp, a one-time
 * nonce, the method, the path and the SHA-256 of the raw body:
 *
 *   v1\n<ts>\n<nonce>\n<METHOD>\n<path>\n<hex sha256(body)>
 *
 * A request is accepted once: within the time window (at most
 * MAX_FUTURE_SKEW_S ahead of our clock), with a nonce never
 * seen before (kept in `federation_nonces` until it could no longer pass the
 * window check anyway).
 */
export const SIGNATURE_HEADERS = {
  keyId: 'x-streamflow-key-id',
  timestamp: 'x-streamflow-timestamp',
  nonce: 'x-streamflow-nonce',
  signature: 'x-streamflow-signature',
} as const;

export const SignatureErrors = {
  SIGNED_REQUESTS_DISABLED: 'SIGNED_REQUESTS_DISABLED',
  SIGNATURE_MALFORMED: 'SIGNATURE_MALFORMED',
  SIGNATURE_STALE: 'SIGNATURE_STALE',
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  NONCE_REUSED: 'NONCE_REUSED',
} as const;
export type SignatureErrorCode = (typeof SignatureErrors)[keyof typeof SignatureErrors];

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const sha256Hex = (body: string | Uint8Array) => createHash('sha256').update(body).digest('hex');

function stringToSign(ts: string, nonce: string, method: string, path: string, bodyHash: string): string {
  return ['v1', ts, nonce, method.toUpperCase(), path, bodyHash].join('\n');
}

/** The headers that sign a request. `ts` is unix seconds; `nonce` 16+ URL-safe characters. */
export function signRequest(input: {
  secret: string;
  method: string;
  path: string;
  body: string;
  ts: number;
  nonce: string;
  keyId?: string;
}): Record<string, string> {
  const ts = String(Math.floor(input.ts));
  const mac = createHmac('sha256', input.secret)
    .update(stringToSign(ts, input.nonce, input.method, input.path, sha256Hex(input.body)))
    .digest('hex');
  return {
    [SIGNATURE_HEADERS.keyId]: input.keyId ?? 'provisioning',
    [SIGNATURE_HEADERS.timestamp]: ts,
    [SIGNATURE_HEADERS.nonce]: input.nonce,
    [SIGNATURE_HEADERS.signature]: `v1=${mac}`,
  };
}

/** True when the request carries any of the signature headers (it then must verify). */
export function hasSignature(header: (name: string) => string | undefined): boolean {
  return Object.values(SIGNATURE_HEADERS).some((h) => header(h) !== undefined);
}

export type VerifyResult = { ok: true; keyId: string; nonce: string } | { ok: false; code: SignatureErrorCode; message: string };

/**
 * Verifies a signed request and, when valid, records its nonce so a replay
 * fails. Only a request with a valid signature may consume a nonce.
 */
export async function verifySignedRequest(input: {
  db: Database;
  secret: string | undefined;
  windowSeconds: number;
  now: Date;
  method: string;
  path: string;
  body: string;
  header: (name: string) => string | undefined;
}): Promise<VerifyResult> {
  if (!input.secret) {
    return { ok: false, code: SignatureErrors.SIGNED_REQUESTS_DISABLED, message: 'Signed requests are not enabled on this server.' };
  }
  const keyId = input.header(SIGNATURE_HEADERS.keyId) ?? 'provisioning';
  const ts = input.header(SIGNATURE_HEADERS.timestamp) ?? '';
  const nonce = input.header(SIGNATURE_HEADERS.nonce) ?? '';
  const signature = input.header(SIGNATURE_HEADERS.signature) ?? '';
  const mac = /^v1=([0-9a-f]{64})$/.exec(signature)?.[1];
  if (!/^\d{1,12}$/.test(ts) || !NONCE.test(nonce) || !KEY_ID.test(keyId) || !mac) {
    return { ok: false, code: SignatureErrors.SIGNATURE_MALFORMED, message: 'The signature headers are missing or malformed.' };
  }
  const nowS = Math.floor(input.now.getTime() / 1000);
  // Up to the window in the past, only a small clock skew in the future.
  if (nowS - Number(ts) > input.windowSeconds || Number(ts) - nowS > MAX_FUTURE_SKEW_S) {
    return { ok: false, code: SignatureErrors.SIGNATURE_STALE, message: 'The request timestamp is outside the allowed window.' };
  }
  const expected = createHmac('sha256', input.secret)
    .update(stringToSign(ts, nonce, input.method, input.path, sha256Hex(input.body)))
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) {
    return { ok: false, code: SignatureErrors.SIGNATURE_INVALID, message: 'The request signature does not match.' };
  }
  // A nonce must outlive every timestamp that could still pass the window.
  const expiresAt = new Date((Number(ts) + input.windowSeconds * 2) * 1000).toISOString();
  const seenAt = input.now.toISOString();
  const inserted = await input.db.rows<{ nonce: string }>(sql`
    insert into federation_nonces (nonce, key_id, seen_at, expires_at)
    values (${`${keyId}:${nonce}`}, ${keyId}, ${seenAt}::timestamptz, ${expiresAt}::timestamptz)
    on conflict (nonce) do nothing returning nonce`);
  if (inserted.length === 0) {
    return { ok: false, code: SignatureErrors.NONCE_REUSED, message: 'This request was already received (nonce reused).' };
  }
  // Signed calls are rare: pruning here keeps the store small without a scheduler.
  await pruneNonces(input.db, input.now);
  return { ok: true, keyId, nonce };
}

/** Deletes nonces that can no longer be replayed (their window has passed). */
export async function pruneNonces(db: Database, now: Date): Promise<number> {
  const rows = await db.rows<{ nonce: string }>(
    sql`delete from federation_nonces where expires_at < ${now.toISOString()}::timestamptz returning nonce`,
  );
  return rows.length;
}
