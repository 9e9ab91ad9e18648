import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES, type Permission } from '@streamflow/schema';
import { resolveShape, shapesFor, SHAPES } from './shapes.ts';

const ctx = (role: keyof typeof DEFAULT_ROLES) => ({ orgId: 'org-1', userId: 'user-1', perms: new Set<Permission>(DEFAULT_ROLES[role].permissions) });

describe('named shapes', () => {
  it('fix table, columns and WHERE from the session, with positional parameters', () => {
    const s = resolveShape('my_work_orders', ctx('worker'));
    expect(s).toMatchObject({ table: 'work_orders', params: ['org-1', 'user-1'], primaryKey: ['id'] });
    if (typeof s === 'string') throw new Error('resolved');
    expect(s.where).toBe(`org_id = $1 and assignee_id = $2 and status not in ('done', 'cancelled')`);
    expect(s.columns).toContain('write_id');
    expect(s.where).not.toContain('org-1');
  });

  it('refuse unknown names and shapes the role may not read', () => {
    expect(resolveShape('user', ctx('owner'))).toBe('unknown');
    expect(resolveShape('__proto__', ctx('owner'))).toBe('unknown');
    expect(resolveShape('leads', ctx('worker'))).toBe('forbidden');
  });

  it('scope every shape to the tenant as the first parameter', () => {
    for (const [name, def] of Object.entries(SHAPES)) {
      expect({ name, where: def.where.startsWith('org_id = $1') }).toEqual({ name, where: true });
      expect(def.params({ orgId: 'o', userId: 'u', perms: new Set() })[0]).toBe('o');
    }
  });

  it('give a worker their own slice and an owner the whole tenant, one shape per table', () => {
    const worker = shapesFor(ctx('worker'), true);
    expect(worker).toEqual(expect.arrayContaining(['my_work_orders', 'my_companies', 'my_contacts', 'my_time_entries', 'tasks', 'activities']));
    expect(worker).not.toContain('leads');
    expect(worker).not.toContain('work_orders');
    const owner = shapesFor(ctx('owner'), false);
    expect(owner).toContain('leads');
    expect(owner.some((n) => n.startsWith('my_'))).toBe(false);
    for (const list of [worker, owner]) {
      const tables = list.map((n) => SHAPES[n].table);
      expect(new Set(tables).size).toBe(tables.length);
    }
  });
});
