import { describe, expect, it } from 'vitest';
import { entitlementsFor, moduleOfTable, PLAN_CATALOGUE, resolveEntitlements } from './plans.ts';
import { PLANS } from './provisioning.ts';

describe('plan catalogue and entitlements', () => {
  it('always includes the core module and grows with the plan', () => {
    for (const p of PLANS) expect(PLAN_CATALOGUE[p].modules).toContain('crm');
    const starter = entitlementsFor('starter', 'active');
    const pro = entitlementsFor('pro', 'active');
    expect(starter.modules.invoicing).toBe(false);
    expect(starter.modules.client_payments).toBe(false);
    expect(pro.modules.invoicing).toBe(true);
    expect(pro.modules.client_payments).toBe(true);
    expect(entitlementsFor('enterprise').limits.seats).toBeNull();
  });

  it('keeps the plan through past_due (grace) and drops to the base plan once it ends', () => {
    expect(entitlementsFor('pro', 'past_due', true)).toMatchObject({ plan: 'pro', paymentIssue: true });
    for (const s of ['canceled', 'unpaid', 'incomplete_expired', 'paused'] as const) {
      const e = entitlementsFor('pro', s);
      expect(e).toMatchObject({ plan: 'starter', subscribedPlan: 'pro', status: s });
      expect(e.modules.client_payments).toBe(false);
    }
  });

  it('falls back to the plan column when nothing was stored yet', () => {
    expect(resolveEntitlements({}, 'pro').modules.invoicing).toBe(true);
    expect(resolveEntitlements(null, 'nonsense').plan).toBe('starter');
    const stored = entitlementsFor('enterprise', 'active');
    expect(resolveEntitlements(stored, 'starter')).toEqual(stored);
  });

  it('maps tables to modules, leaving the core CRM tables always available', () => {
    expect(moduleOfTable('invoices')).toBe('invoicing');
    expect(moduleOfTable('payment_requests')).toBe('client_payments');
    expect(moduleOfTable('leads')).toBeNull();
    expect(moduleOfTable('__proto__')).toBeNull();
  });
});

describe('payment_requests write validators', () => {
  it('take the request and never the server-owned link, session or status', async () => {
    const { WRITABLE_TABLES } = await import('./writable.ts');
    const { insert, update } = WRITABLE_TABLES.payment_requests;
    const row = { id: crypto.randomUUID(), invoiceId: crypto.randomUUID(), amount: '120.00' };
    expect(insert.parse(row)).toEqual(row);
    for (const field of ['status', 'checkoutUrl', 'stripeCheckoutSessionId', 'requestedBy', 'failureCode']) {
      expect(insert.safeParse({ ...row, [field]: 'x' }).success).toBe(false);
    }
    expect(insert.safeParse({ ...row, amount: '0' }).success).toBe(false);
    expect(update.safeParse({ amount: '1.00' }).success).toBe(false);
  });
});
