import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../app/src/ui/messages.ts';
import { BETTER_AUTH_ERROR_CODES } from '../sync-server/src/auth/auth-error-codes.ts';

/*
 * Every error code the server can answer with has words in the app
 * (issue 13: "every error code of the write API, auth and billing routes maps
 * to a sentence"). The codes are read from the server itself: each exported
 * `…Errors` / `…Codes` registry, each `new AppError(status, 'CODE'` written inline, each
 * per-mutation rejection of the write API, and better-auth's codes that the
 * auth gateway passes through. A new code without words fails here.
 */
const root = resolve(import.meta.dirname, '..');
const serverSrc = join(root, 'sync-server/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return d.name === 'testing' ? [] : sourceFiles(p);
    return /\.ts$/.test(d.name) && !/\.(test|suite)\.ts$/.test(d.name) ? [p] : [];
  });
}

async function serverCodes(): Promise<Map<string, string>> {
  const codes = new Map<string, string>();
  for (const file of sourceFiles(serverSrc)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(root, file);
    if (/export const \w+(Errors|Codes) = /.test(text)) {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (!/(Errors|Codes)$/.test(name) || typeof value !== 'object' || value === null) continue;
        for (const code of Object.values(value)) if (typeof code === 'string') codes.set(code, `${where} ${name}`);
      }
    }
    for (const m of text.matchAll(/new AppError\(\s*\d{3},\s*'([A-Z][A-Z0-9_]+)'/g)) codes.set(m[1]!, where);
    for (const m of text.matchAll(/rejected\('([A-Z][A-Z0-9_]+)'/g)) codes.set(m[1]!, `${where} (mutation result)`);
    for (const m of text.matchAll(/status: 'conflict',\s*code: '([A-Z][A-Z0-9_]+)'/g)) codes.set(m[1]!, `${where} (mutation result)`);
  }
  for (const code of Object.keys(BETTER_AUTH_ERROR_CODES)) codes.set(code, 'better-auth');
  return codes;
}

describe('error words', () => {
  it('cover every code the server answers with', async () => {
    const codes = await serverCodes();
    // The scan finds the registries at all (a broken scan would pass vacuously).
    for (const known of ['IDEMPOTENCY_KEY_REUSED', 'BILLING_NOT_CONFIGURED', 'WRONG_SPACE', 'INVALID', 'CONFLICT', 'CROSS_ORIGIN_REQUEST', 'INVALID_EMAIL_OR_PASSWORD', 'LAST_OWNER']) {
      expect(codes.has(known), known).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(100);
    const missing = [...codes].filter(([code]) => !ERROR_MESSAGES[code]).map(([code, where]) => `${code} (${where})`);
    expect(missing).toEqual([]);
  });

  it('are sentences a user can read: no codes, statuses or developer words', () => {
    for (const [code, { sentence, action }] of Object.entries(ERROR_MESSAGES)) {
      const text = `${sentence} ${action}`;
      expect(sentence, code).toMatch(/^[A-Z“].*[.!?]$/);
      if (action) expect(action, code).toMatch(/^[A-Z].*[.!?]$/);
      expect(text, code).not.toMatch(/[A-Z]{2,}_[A-Z_]+|\b[45]\d\d\b|undefined|null|exception|stack|JSON|HTTP/);
    }
  });
});
