import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES, PERMISSIONS, isPermission, tablePermission } from './permissions.ts';
import { WRITABLE_TABLES, isWritableTable } from './writable.ts';

describe('write validators', () => {
  const { insert, update } = WRITABLE_TABLES.leads;

  it('accepts a whole new lead and rejects bad field values with their path', () => {
    const id = crypto.randomUUID();
    expect(insert.parse({ id, name: 'Ada', email: 'ada@example.com', value: '1200.50' })).toMatchObject({ id, name: 'Ada' });
    const bad = insert.safeParse({ id, name: '', email: 'not-an-email', value: '12,5' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(['email', 'name', 'value']);
  });

  it('rejects unknown and server-owned fields instead of storing them', () => {
    expect(update.safeParse({ nmae: 'typo' }).success).toBe(false);
    expect(update.safeParse({ orgId: 'other-tenant' }).success).toBe(false);
    expect(update.safeParse({ id: crypto.randomUUID() }).success).toBe(false);
  });

  it('takes partial updates', () => {
    expect(update.parse({ status: 'qualified' })).toEqual({ status: 'qualified' });
    expect(update.safeParse({ status: 'promoted' }).success).toBe(false);
  });

  it('declares last-writer-wins only for time entries', () => {
    const lww = Object.entries(WRITABLE_TABLES).filter(([, t]) => t.policy === 'lww').map(([n]) => n);
    expect(lww).toEqual(['time_entries']);
    expect(isWritableTable('leads')).toBe(true);
    expect(isWritableTable('user')).toBe(false);
    expect(isWritableTable('__proto__')).toBe(false);
  });
});

describe('permission registry', () => {
  it('gives every writable table a permission for each operation', () => {
    for (const t of Object.values(WRITABLE_TABLES)) {
      for (const op of ['read', 'create', 'update', 'delete'] as const) {
        expect(isPermission(tablePermission(t.permission, op))).toBe(true);
      }
    }
  });

  it('default roles use only registered permissions; owner has all, worker cannot read leads', () => {
    for (const role of Object.values(DEFAULT_ROLES)) for (const p of role.permissions) expect(isPermission(p)).toBe(true);
    expect(new Set(DEFAULT_ROLES.owner.permissions)).toEqual(new Set(PERMISSIONS));
    expect(DEFAULT_ROLES.worker.permissions).not.toContain('leads.read');
    expect(DEFAULT_ROLES.worker.permissions).toContain('work_orders.update');
    expect(DEFAULT_ROLES.manager.permissions).not.toContain('roles.manage');
  });
});
