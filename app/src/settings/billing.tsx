import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Me } from '../api.ts';
import { OnlineOnly } from '../spaces/online-only.tsx';
import { Button } from '../ui/button.tsx';
import { Badge, Card, Detail, DetailList, PageHeader, Skeleton, type Tone } from '../ui/page.tsx';
import './settings.css';

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

const MODULE_NAMES: Record<string, string> = {
  crm: 'Contacts, companies and leads', pipeline: 'Sales pipeline', tasks: 'Tasks', work_orders: 'Work orders',
  time_tracking: 'Time tracking', quotes: 'Quotes', invoicing: 'Invoicing', client_payments: 'Online payments', import: 'CSV import', reports: 'Reports',
};
const SUB_TONE: Record<string, Tone> = { active: 'success', trialing: 'accent', past_due: 'danger', unpaid: 'danger', incomplete: 'warning', paused: 'neutral', canceled: 'neutral' };
const words = (s: string) => s.replaceAll('_', ' ');
const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const billingError = (err: unknown) =>
  err instanceof ApiError
    ? err.status === 403
      ? 'Your role may not change billing.'
      : err.status >= 500
        ? 'Stripe or StreamFlow could not answer just now. Try again in a moment.'
        : 'That could not be started. Reload the page and try again.'
    : 'StreamFlow could not be reached. Check your connection and try again.';

/** Billing settings: plan and modules, AI token balance, subscription checkout and portal, Connect onboarding. */
export function BillingSettings({ me }: { me: Me }) {
  return (
    <OnlineOnly title="Billing">
      <Billing me={me} />
    </OnlineOnly>
  );
}

function Billing({ me }: { me: Me }) {
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
      setError(billingError(err));
    }
  }, [canManage]);
  useEffect(() => {
    void load();
  }, [load]);

  const go = async (path: string, body: unknown) => {
    setError(null);
    try {
      const { url } = await api<{ url: string }>(path, { method: 'POST', body: JSON.stringify(body) });
      window.location.assign(url);
    } catch (err) {
      setError(billingError(err));
    }
  };

  const live = view ? LIVE.has(view.subscriptionStatus) : false;
  const e = view?.entitlements;
  const renews = view?.currentPeriodEnd ? new Date(view.currentPeriodEnd).toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' }) : null;
  return (
    <>
      <PageHeader
        title="Billing"
        description="Your StreamFlow plan, AI tokens and how your customers pay you."
        actions={isOwner && view && live ? <Button variant="primary" onPress={() => void go('/api/billing/portal', {})}>Change plan or card</Button> : undefined}
      />
      {notice && <p role="status" className="sf-banner">{notice}</p>}
      {error && <div role="alert" className="error-message">{error}</div>}
      {!view ? (!error && <Skeleton rows={5} label="Loading billing" />) : (
        <>
          {e?.paymentIssue && <p role="alert" className="sf-banner sf-banner-danger">The last payment failed: update your card in the billing portal.</p>}
          <Card id="plan" title="Plan">
            <DetailList>
              <Detail label="Plan">{e ? title(e.plan) : 'Unknown'}</Detail>
              <Detail label="Subscription"><Badge tone={SUB_TONE[view.subscriptionStatus] ?? 'neutral'}>{words(view.subscriptionStatus)}</Badge></Detail>
              <Detail label="Renews">{renews}</Detail>
              <Detail label="Seats">{e ? (e.limits.seats?.toLocaleString() ?? 'Unlimited') : null}</Detail>
            </DetailList>
            {e && (
              <div className="billing-modules" aria-label="Features on your plan" role="group">
                {Object.entries(e.modules).filter(([, on]) => on).map(([m]) => <Badge key={m}>{MODULE_NAMES[m] ?? words(m)}</Badge>)}
              </div>
            )}
            {isOwner && !live && (
              <div className="billing-actions">
                {['starter', 'pro', 'enterprise'].map((plan, i) => (
                  <Button key={plan} variant={i === 1 ? 'primary' : 'secondary'} onPress={() => void go('/api/billing/checkout', { kind: 'subscription', plan })}>Subscribe to {title(plan)}</Button>
                ))}
                <Button variant="ghost" onPress={() => void go('/api/billing/portal', {})}>Open the billing portal</Button>
              </div>
            )}
          </Card>
          <Card id="tokens" title="AI tokens">
            <DetailList>
              <Detail label="Balance">{view.aiTokenBalance.toLocaleString()}</Detail>
              <Detail label="Included each period">{e ? e.limits.aiTokensPerPeriod.toLocaleString() : null}</Detail>
            </DetailList>
            {isOwner && (
              <div className="billing-actions">
                <Button variant="secondary" onPress={() => void go('/api/billing/checkout', { kind: 'token_pack', pack: 'tokens_100k' })}>Buy 100,000 tokens</Button>
                <Button variant="secondary" onPress={() => void go('/api/billing/checkout', { kind: 'token_pack', pack: 'tokens_1m' })}>Buy 1,000,000 tokens</Button>
              </div>
            )}
          </Card>
        </>
      )}
      {canManage && view && (
        <Card id="connect" title="Getting paid (Stripe Connect)">
          <DetailList>
            <Detail label="Status"><Badge tone={connect?.status === 'active' ? 'success' : 'neutral'}>{connect ? words(connect.status) : 'unknown'}</Badge></Detail>
            {connect && <Detail label="Details">{connect.detailsSubmitted ? 'Submitted' : 'Missing'}</Detail>}
            {connect && <Detail label="Card payments">{connect.chargesEnabled ? 'On' : 'Off'}</Detail>}
            {connect && <Detail label="Payouts">{connect.payoutsEnabled ? 'On' : 'Off'}</Detail>}
          </DetailList>
          {connect?.status !== 'active' && (
            <div className="billing-actions">
              <Button variant="secondary" onPress={() => void go('/api/client-billing/connect/start', {})}>
                {connect?.status === 'not_started' ? 'Set up payments' : 'Continue Stripe onboarding'}
              </Button>
            </div>
          )}
        </Card>
      )}
    </>
  );
}
