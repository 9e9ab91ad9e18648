import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { bindWhere, ident } from './sql-bind.ts';
import { formatOffset, parseOffset } from './offsets.ts';

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
    expect(parseOffset('0_0')).toEqual({ kind: 'at', lsn: 0n });
    for (const bad of ['', 'x', '1', '-2', '1_x', '99999999999999999999_inf']) expect(parseOffset(bad)).toBeNull();
  });
});
