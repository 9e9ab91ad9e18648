import { useCallback, useEffect, useState } from 'react';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';

interface BillingView {
  entitlements: { plan: string; subscribedPlan: string; status: string; modules: Record<string, boolean>; paymentIssue: boolean } | null;
  aiTokenBalance: number;
  subscriptionStatus: string;
  currentPeriodEnd: string | null;
}
interface ConnectView {
  status: string;
  detailsSubmitted: boolean;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
}

/** Online-only: billing goes through the server and Stripe, never the local database. */
export function OnlineOnly({ what }: { what: string }) {
  return (
    <section className="card" role="status">
      <h1>{what}</h1>
      <p>This needs a connection: it talks to the server and Stripe directly. Your local work is unaffected.</p>
    </section>
  );
}

/** Billing settings: plan and modules, AI token balance, subscription checkout and portal, Connect onboarding. */
export function BillingSettings({ me }: { me: Me }) {
  const online = useOnline();
  const [view, setView] = useState<BillingView | null>(null);
  const [connect, setConnect] = useState<ConnectView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const isOwner = me.roles.includes('owner');
  const canManage = me.perms.includes('billing.manage');

  const load = useCallback(async () => {
    setError(null);
    try {
      setView(await api<BillingView>('/api/billing/entitlements'));
      if (canManage) setConnect(await api<ConnectView>('/api/client-billing/connect/status').catch(() => null));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [canManage]);
  useEffect(() => {
    if (online) void load();
  }, [online, load]);

  const go = async (path: string, body: unknown) => {
    setError(null);
    try {
      const { url } = await api<{ url: string }>(path, { method: 'POST', body: JSON.stringify(body) });
      window.location.assign(url);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  if (!online) return <OnlineOnly what="Billing" />;
  return (
    <section className="card" aria-labelledby="billing-title">
      <h1 id="billing-title">Billing</h1>
      {error && <p role="alert" className="error">{error}</p>}
      {view && (
        <>
          <p>
            Plan: <strong>{view.entitlements?.plan ?? 'unknown'}</strong> (subscription: {view.subscriptionStatus.replace('_', ' ')}
            {view.currentPeriodEnd ? `, renews ${view.currentPeriodEnd.slice(0, 10)}` : ''})
          </p>
          {view.entitlements?.paymentIssue && <p role="alert">The last payment failed: update your card in the billing portal.</p>}
          <p>AI tokens: {view.aiTokenBalance.toLocaleString()}</p>
          <p className="muted">
            Modules on: {Object.entries(view.entitlements?.modules ?? {}).filter(([, on]) => on).map(([m]) => m.replace('_', ' ')).join(', ')}
          </p>
        </>
      )}
      {isOwner && (
        <div className="row">
          {['starter', 'pro', 'enterprise'].map((plan) => (
            <button key={plan} type="button" onClick={() => void go('/api/billing/checkout', { kind: 'subscription', plan })}>Subscribe to {plan}</button>
          ))}
          <button type="button" onClick={() => void go('/api/billing/checkout', { kind: 'token_pack', pack: 'tokens_100k' })}>Buy 100k AI tokens</button>
          <button type="button" onClick={() => void go('/api/billing/portal', {})}>Open the billing portal</button>
        </div>
      )}
      {canManage && (
        <>
          <h2>Getting paid (Stripe Connect)</h2>
          <p>
            Status: <strong>{connect?.status.replace('_', ' ') ?? 'unknown'}</strong>
            {connect && ` · details ${connect.detailsSubmitted ? 'submitted' : 'missing'} · charges ${connect.chargesEnabled ? 'on' : 'off'} · payouts ${connect.payoutsEnabled ? 'on' : 'off'}`}
          </p>
          {connect?.status !== 'active' && (
            <button type="button" onClick={() => void go('/api/client-billing/connect/start', {})}>
              {connect?.status === 'not_started' ? 'Set up payments' : 'Continue Stripe onboarding'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
