import { describe, expect, it } from 'vitest';
import { decidePage, homePathOf } from './spaces.ts';

const owner = { space: 'client', tenantId: 't1' } as const;
const provider = { space: 'provider', tenantId: null } as const;

describe('page routing by space', () => {
  it('sends each user home after sign-in', () => {
    expect(homePathOf(owner)).toBe('/tenant/t1/client/dashboard');
    expect(homePathOf(provider)).toBe('/provider/dashboard');
    expect(decidePage(owner, '/')).toEqual({ kind: 'redirect', to: '/tenant/t1/client/dashboard' });
    expect(decidePage(provider, '/')).toEqual({ kind: 'redirect', to: '/provider/dashboard' });
  });

  it('moves old flat URLs and /client/... into the tenant space', () => {
    expect(decidePage(owner, '/leads')).toEqual({ kind: 'redirect', to: '/tenant/t1/client/leads' });
    expect(decidePage(owner, '/work-orders/abc/')).toEqual({ kind: 'redirect', to: '/tenant/t1/client/work-orders/abc' });
    expect(decidePage(owner, '/dashboard')).toEqual({ kind: 'redirect', to: '/tenant/t1/client/dashboard' });
    expect(decidePage(owner, '/client/tasks')).toEqual({ kind: 'redirect', to: '/tenant/t1/client/tasks' });
    expect(decidePage(provider, '/dashboard')).toEqual({ kind: 'redirect', to: '/provider/dashboard' });
  });

  it('lets a user open their own pages', () => {
    expect(decidePage(owner, '/tenant/t1/client/leads/x')).toEqual({ kind: 'ok' });
    expect(decidePage(provider, '/provider/tenants')).toEqual({ kind: 'ok' });
    expect(decidePage(owner, '/signup')).toEqual({ kind: 'ok' });
    expect(decidePage(owner, '/something-else')).toEqual({ kind: 'ok' });
  });

  it('refuses pages of another space or another tenant, sending the user home', () => {
    expect(decidePage(owner, '/provider/dashboard')).toEqual({ kind: 'denied', to: '/tenant/t1/client/dashboard', reason: 'space' });
    expect(decidePage(owner, '/tenant/t2/client/leads')).toEqual({ kind: 'denied', to: '/tenant/t1/client/dashboard', reason: 'tenant' });
    expect(decidePage(owner, '/tenant/t1/dev/dashboard')).toEqual({ kind: 'denied', to: '/tenant/t1/client/dashboard', reason: 'space' });
    expect(decidePage(provider, '/tenant/t1/client/leads')).toEqual({ kind: 'denied', to: '/provider/dashboard', reason: 'space' });
    expect(decidePage(provider, '/leads')).toEqual({ kind: 'denied', to: '/provider/dashboard', reason: 'space' });
    expect(decidePage({ space: 'accounting', tenantId: null }, '/dev/diagnostics')).toEqual({ kind: 'denied', to: '/accounting/dashboard', reason: 'space' });
  });
});
