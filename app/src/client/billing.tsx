import { useCallback, useEffect, useState } from 'react';
import { api, type Me } from '../api.ts';
import { useOnline } from '../sync/status.ts';

interface BillingView {
  entitlements: {
    plan: string;
    subscribedPlan: string;
    status: string;
    modules: Record<string, boolean>;
    limits: { seats: number | null; aiTokensPerPeriod: number };
    paymentIssue: boolean;
  } | null;
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

/** Subscription states in which Stripe still holds a subscription: plan changes go through the portal. */
const LIVE = new Set(['active', 'trialing', 'past_due', 'unpaid', 'incomplete', 'paused']);

/** What Stripe's return to this page (its query) means, for one line of feedback. */
function returnNotice(search: string): string | null {
  const q = new URLSearchParams(search);
  if (q.get('checkout') === 'success') return 'Payment received: the plan or tokens appear here as soon as Stripe confirms it.';
  if (q.get('checkout') === 'cancelled') return 'Checkout was cancelled; nothing was charged.';
  if (q.get('connect') === 'return') return 'Back from Stripe: the account status below is fresh from Stripe.';
  if (q.get('connect') === 'refresh') return 'The onboarding link expired: continue with a new one below.';
  return null;
}

/** Billing settings: plan and modules, AI token balance, subscription checkout and portal, Connect onboarding. */
export function BillingSettings({ me }: { me: Me }) {
  const online = useOnline();
  const [view, setView] = useState<BillingView | null>(null);
  const [connect, setConnect] = useState<ConnectView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice] = useState(() => returnNotice(window.location.search));
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
      {notice && <p role="status">{notice}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {view && (
        <>
          <p>
            Plan: <strong>{view.entitlements?.plan ?? 'unknown'}</strong> (subscription: {view.subscriptionStatus.replace('_', ' ')}
            {view.currentPeriodEnd ? `, renews ${view.currentPeriodEnd.slice(0, 10)}` : ''})
          </p>
          {view.entitlements?.paymentIssue && <p role="alert">The last payment failed: update your card in the billing portal.</p>}
          <p>AI tokens: {view.aiTokenBalance.toLocaleString()}</p>
          {view.entitlements && (
            <p className="muted">
              Seats: {view.entitlements.limits.seats ?? 'unlimited'} · AI tokens each period: {view.entitlements.limits.aiTokensPerPeriod.toLocaleString()}
            </p>
          )}
          <p className="muted">
            Modules on: {Object.entries(view.entitlements?.modules ?? {}).filter(([, on]) => on).map(([m]) => m.replace('_', ' ')).join(', ')}
          </p>
        </>
      )}
      {isOwner && view && (
        <div className="row">
          {!LIVE.has(view.subscriptionStatus) &&
            ['starter', 'pro', 'enterprise'].map((plan) => (
              <button key={plan} type="button" onClick={() => void go('/api/billing/checkout', { kind: 'subscription', plan })}>Subscribe to {plan}</button>
            ))}
          <button type="button" onClick={() => void go('/api/billing/checkout', { kind: 'token_pack', pack: 'tokens_100k' })}>Buy 100k AI tokens</button>
          <button type="button" onClick={() => void go('/api/billing/checkout', { kind: 'token_pack', pack: 'tokens_1m' })}>Buy 1M AI tokens</button>
          <button type="button" onClick={() => void go('/api/billing/portal', {})}>
            {LIVE.has(view.subscriptionStatus) ? 'Change plan or card (billing portal)' : 'Open the billing portal'}
          </button>
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
