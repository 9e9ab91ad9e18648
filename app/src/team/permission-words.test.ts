import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@streamflow/schema';
import { permissionLabel } from './permission-words.ts';

describe('permissionLabel', () => {
  it('says what a permission allows in words', () => {
    expect(permissionLabel('leads.update')).toBe('Edit leads');
    expect(permissionLabel('work_orders.read')).toBe('See work orders');
    expect(permissionLabel('audit.read')).toBe('See the audit log');
  });
  it('never shows a key for any permission the schema defines', () => {
    for (const p of PERMISSIONS) {
      const label = permissionLabel(p);
      expect(label).not.toContain('.');
      expect(label).not.toContain('_');
    }
  });
});
