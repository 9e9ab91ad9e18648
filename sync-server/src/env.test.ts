import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, shouldSeedDemo } from './env.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('parseEnv', () => {
  it('gives working defaults for the embedded development setup', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('.data');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PUBLIC_URL).toBe('http://localhost:3000');
    expect(env.BETTER_AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
  });

  it('names the variable when a value is bad', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => parseEnv({ APP_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/APP_ENCRYPTION_KEY: must be 32 bytes/);
    expect(() => parseEnv({ BETTER_AUTH_SECRET: 'short' })).toThrow(/BETTER_AUTH_SECRET/);
  });

  it('lists every bad variable at once', () => {
    try {
      parseEnv({ PORT: '-1', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/LOG_LEVEL/);
    }
  });

  it('requires real secrets in production and never seeds demo users there', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/BETTER_AUTH_SECRET: is required/);
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/APP_ENCRYPTION_KEY: is required/);
    const prod = { NODE_ENV: 'production', BETTER_AUTH_SECRET: 'x'.repeat(40), APP_ENCRYPTION_KEY: KEY };
    expect(() => parseEnv({ ...prod, SEED_DEMO: 'true' })).toThrow(/SEED_DEMO/);
    const env = parseEnv(prod);
    expect(shouldSeedDemo(env, 'pglite')).toBe(false);
  });

  it('treats empty strings as unset and splits trusted origins', () => {
    const env = parseEnv({ PORT: '', TRUSTED_ORIGINS: 'https://a.example, https://b.example' });
    expect(env.PORT).toBe(3000);
    expect(env.TRUSTED_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('seeds the demo only on the embedded database unless asked', () => {
    expect(shouldSeedDemo(parseEnv({}), 'pglite')).toBe(true);
    expect(shouldSeedDemo(parseEnv({}), 'postgres')).toBe(false);
    expect(shouldSeedDemo(parseEnv({ SEED_DEMO: 'true' }), 'postgres')).toBe(true);
    expect(shouldSeedDemo(parseEnv({ SEED_DEMO: 'false' }), 'pglite')).toBe(false);
  });
});
