import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets stored in the database (a tenant's Stripe account
 * id). Each value is sealed with the current key and a fresh random 96-bit
 * nonce; the stored form names the key that sealed it, so keys can rotate:
 *
 *   v1:<keyId>:<base64 nonce>:<base64 ciphertext || 16-byte tag>
 *
 * `keyId` is a short hash of the key (never the key). Opening looks the key up
 * by id among the current and previous keys; a value whose key is gone, or
 * whose ciphertext, tag, nonce or header was changed, fails to open.
 */

export const SecretBoxErrors = {
  BAD_KEY: 'SECRET_BOX_BAD_KEY',
  BAD_FORMAT: 'SECRET_BOX_BAD_FORMAT',
  UNKNOWN_KEY: 'SECRET_BOX_UNKNOWN_KEY',
  TAMPERED: 'SECRET_BOX_TAMPERED',
} as const;

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
  constructor(
    readonly code: (typeof SecretBoxErrors)[keyof typeof SecretBoxErrors],
    message: string,
  ) {
    super(message);
  }
}

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  /** Id of the key new values are sealed with. */
  readonly currentKeyId: string;
  seal(plain: string): string;
  open(sealed: string): string;
  /** The id of the key a sealed value names (without opening it). */
  keyIdOf(sealed: string): string;
  /** True when `sealed` was sealed with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean;
}

/** The id of a key: 8 hex chars of SHA-256 over it, so logs and values never carry the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('streamflow-secret-box:').update(key).digest('hex').slice(0, 8);
}

function decodeKey(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), 'base64');
  if (key.length !== 32) throw new SecretBoxError(SecretBoxErrors.BAD_KEY, 'An encryption key must be 32 bytes, base64-encoded.');
  return key;
}

/** Splits a comma-separated list of previous keys (APP_ENCRYPTION_KEYS_PREVIOUS). */
export function parseKeyList(list: string | undefined): string[] {
  return (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * A keyring: `current` (base64, 32 bytes) seals; `previous` keys only open.
 * The additional authenticated data is the header `v1:<keyId>`, so a value
 * cannot be relabelled to another key.
 */
export function createSecretBox(current: string, previous: readonly string[] = []): SecretBox {
  const currentKey = decodeKey(current);
  const currentKeyId = keyIdOf(currentKey);
  const keys = new Map<string, Buffer>();
  for (const k of previous) {
    const key = decodeKey(k);
    keys.set(keyIdOf(key), key);
  }
  keys.set(currentKeyId, currentKey);

  function parse(sealed: string): { keyId: string; nonce: Buffer; body: Buffer } {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretBoxError(SecretBoxErrors.BAD_FORMAT, 'Not a sealed value (expected v1:<keyId>:<nonce>:<ciphertext>).');
    }
    const [, keyId, nonceB64, bodyB64] = parts as [string, string, string, string];
    const nonce = Buffer.from(nonceB64, 'base64');
    const body = Buffer.from(bodyB64, 'base64');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) {
      throw new SecretBoxError(SecretBoxErrors.BAD_FORMAT, 'A sealed value has a bad nonce or is too short.');
    }
    return { keyId, nonce, body };
  }

  return {
    currentKeyId,
    seal(plain) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, nonce);
      cipher.setAAD(Buffer.from(`${VERSION}:${currentKeyId}`));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}:${currentKeyId}:${nonce.toString('base64')}:${body.toString('base64')}`;
    },
    open(sealed) {
      const { keyId, nonce, body } = parse(sealed);
      const key = keys.get(keyId);
      if (!key) throw new SecretBoxError(SecretBoxErrors.UNKNOWN_KEY, `No key with id ${keyId} is configured.`);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.from(`${VERSION}:${keyId}`));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError(SecretBoxErrors.TAMPERED, 'A sealed value failed authentication (changed or wrong key).');
      }
    },
    keyIdOf(sealed) {
      return parse(sealed).keyId;
    },
    needsRotation(sealed) {
      return parse(sealed).keyId !== currentKeyId;
    },
  };
}

/** A fresh random key, base64 (what APP_ENCRYPTION_KEY holds). */
export function generateKey(): string {
  return randomBytes(32).toString('base64');
}
