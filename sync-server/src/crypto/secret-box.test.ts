import { describe, expect, it } from 'vitest';
import { createSecretBox, generateKey, parseKeyList, SecretBoxErrors, type SecretBoxError } from './secret-box.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as SecretBoxError).code;
  }
  return undefined;
};

describe('secret box (AES-256-GCM)', () => {
  it('round-trips, with a fresh nonce each time and the key id in the clear', () => {
    const box = createSecretBox(generateKey());
    const a = box.seal('acct_1Nv0FGQ9RKHgCVdK');
    const b = box.seal('acct_1Nv0FGQ9RKHgCVdK');
    expect(a).not.toBe(b);
    expect(a).not.toContain('acct_');
    expect(a).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/);
    expect(box.keyIdOf(a)).toBe(box.currentKeyId);
    expect(box.open(a)).toBe('acct_1Nv0FGQ9RKHgCVdK');
    expect(box.open(b)).toBe('acct_1Nv0FGQ9RKHgCVdK');
  });

  it('detects a changed ciphertext, tag, nonce or relabelled key id', () => {
    const box = createSecretBox(generateKey(), [generateKey()]);
    const sealed = box.seal('acct_secret');
    const [v, id, nonce, body] = sealed.split(':') as [string, string, string, string];
    const flip = (b64: string, at: number) => {
      const buf = Buffer.from(b64, 'base64');
      buf[at] = (buf[at] ?? 0) ^ 1;
      return buf.toString('base64');
    };
    expect(codeOf(() => box.open([v, id, nonce, flip(body, 0)].join(':')))).toBe(SecretBoxErrors.TAMPERED);
    expect(codeOf(() => box.open([v, id, nonce, flip(body, Buffer.from(body, 'base64').length - 1)].join(':')))).toBe(SecretBoxErrors.TAMPERED);
    expect(codeOf(() => box.open([v, id, flip(nonce, 3), body].join(':')))).toBe(SecretBoxErrors.TAMPERED);
    expect(codeOf(() => box.open(['v1', 'deadbeef', nonce, body].join(':')))).toBe(SecretBoxErrors.UNKNOWN_KEY);
    expect(codeOf(() => box.open('acct_plain'))).toBe(SecretBoxErrors.BAD_FORMAT);
    expect(codeOf(() => createSecretBox(generateKey()).open(sealed))).toBe(SecretBoxErrors.UNKNOWN_KEY);
  });

  it('rotates: values sealed with a previous key open, new values use the current key', () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const before = createSecretBox(oldKey).seal('acct_old');
    const rotated = createSecretBox(newKey, parseKeyList(` ${oldKey} , `));
    expect(rotated.needsRotation(before)).toBe(true);
    expect(rotated.open(before)).toBe('acct_old');
    const resealed = rotated.seal(rotated.open(before));
    expect(rotated.needsRotation(resealed)).toBe(false);
    expect(rotated.keyIdOf(resealed)).not.toBe(rotated.keyIdOf(before));
    // Once the old key is dropped, only the re-sealed value opens.
    const after = createSecretBox(newKey);
    expect(after.open(resealed)).toBe('acct_old');
    expect(codeOf(() => after.open(before))).toBe(SecretBoxErrors.UNKNOWN_KEY);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(codeOf(() => createSecretBox(Buffer.alloc(16).toString('base64')))).toBe(SecretBoxErrors.BAD_KEY);
    expect(codeOf(() => createSecretBox(generateKey(), ['short']))).toBe(SecretBoxErrors.BAD_KEY);
  });
});
