import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { bindWhere, ident } from './sql-bind.ts';
import { formatChunkOffset, formatOffset, parseOffset } from './offsets.ts';

const render = (q: Parameters<PgDialect['sqlToQuery']>[0]) => new PgDialect().sqlToQuery(q);

describe('shape WHERE binding', () => {
  it('binds each positional parameter as a value, never as SQL text', () => {
    const q = render(bindWhere(`org_id = $1 and assignee_id = $2 and status not in ('done', '$1')`, ["o'; drop table leads; --", 'u']));
    expect(q.sql).toBe(`org_id = $1 and assignee_id = $2 and status not in ('done', '$1')`);
    expect(q.params).toEqual(["o'; drop table leads; --", 'u']);
  });

  it('refuses a parameter without a value and an odd identifier', () => {
    expect(() => bindWhere('org_id = $2', ['o'])).toThrow();
    expect(() => ident('leads"; --')).toThrow();
  });
});

describe('offsets', () => {
  it('parse -1, now and <lsn>_inf, and refuse anything else', () => {
    expect(parseOffset('-1')).toEqual({ kind: 'initial' });
    expect(parseOffset('now')).toEqual({ kind: 'now' });
    expect(parseOffset(formatOffset(42n))).toEqual({ kind: 'at', lsn: 42n });
    for (const bad of ['', 'x', '1', '-2', '1_x', '99999999999999999999_inf', '9223372036854775808_inf', `1_${1n << 128n}`]) expect(parseOffset(bad)).toBeNull();
  });

  it('carry a snapshot chunk position: the lsn and the last key sent, round-tripped exactly', () => {
    for (const key of ['00000000-0000-0000-0000-000000000000', '0a205d89-5174-4757-90bd-e471bb1635af', 'ffffffff-ffff-ffff-ffff-ffffffffffff']) {
      const offset = formatChunkOffset(42n, key);
      expect(offset).toMatch(/^42_\d+$/);
      expect(parseOffset(offset)).toEqual({ kind: 'chunk', lsn: 42n, after: key });
    }
    expect(parseOffset('0_0')).toEqual({ kind: 'chunk', lsn: 0n, after: '00000000-0000-0000-0000-000000000000' });
  });
});
