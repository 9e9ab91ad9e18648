import { MODULE_KEYS, type ModuleKey } from './templates.ts';
import { PLANS, type Plan } from './provisioning.ts';

/**
 * The plan catalogue (PRODUCT.md 8): what each subscription plan entitles a
 * tenant to. Pure and shared: the server computes `organization.entitlements`
 * from it when a subscription changes and enforces them on routes and shapes;
 * the app reads the same stored entitlements to show or hide features.
 */

export interface PlanLimits {
  /** Members a tenant may have; null: unlimited. */
  seats: number | null;
  /** AI tokens granted each billing period (token packs add to the balance on top). */
  aiTokensPerPeriod: number;
}

export interface PlanDefinition {
  plan: Plan;
  name: string;
  /** Modules the plan includes. `crm` is always on. */
  modules: readonly ModuleKey[];
  limits: PlanLimits;
  /** Platform fee on tenant invoice payments through Connect, in basis points (100 = 1 %). 0: none. */
  applicationFeeBps: number;
}

const FIELD_SERVICE: readonly ModuleKey[] = ['crm', 'pipeline', 'tasks', 'work_orders', 'time_tracking', 'import'];

export const PLAN_CATALOGUE: Readonly<Record<Plan, PlanDefinition>> = {
  starter: {
    plan: 'starter',
    name: 'Starter',
    modules: FIELD_SERVICE,
    limits: { seats: 5, aiTokensPerPeriod: 0 },
    applicationFeeBps: 0,
  },
  pro: {
    plan: 'pro',
    name: 'Pro',
    modules: [...FIELD_SERVICE, 'quotes', 'invoicing', 'client_payments', 'reports'],
    limits: { seats: 25, aiTokensPerPeriod: 200_000 },
    applicationFeeBps: 100,
  },
  enterprise: {
    plan: 'enterprise',
    name: 'Enterprise',
    modules: MODULE_KEYS,
    limits: { seats: null, aiTokensPerPeriod: 2_000_000 },
    applicationFeeBps: 50,
  },
};

/** The plan a tenant falls back to when its subscription ends. */
export const BASE_PLAN: Plan = 'starter';

/** One-off AI token packs sold through provider Checkout. */
export const TOKEN_PACKS = {
  tokens_100k: { tokens: 100_000, name: '100k AI tokens' },
  tokens_1m: { tokens: 1_000_000, name: '1M AI tokens' },
} as const;
export type TokenPack = keyof typeof TOKEN_PACKS;
export const TOKEN_PACK_KEYS = Object.keys(TOKEN_PACKS) as TokenPack[];

/**
 * Stripe subscription statuses, and `none` for a tenant that has never
 * subscribed (provisioned on a plan by the platform).
 */
export const SUBSCRIPTION_STATUSES = [
  'none',
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** Statuses in which a subscription's plan applies (past_due is the grace period while Stripe retries). */
const PLAN_APPLIES: ReadonlySet<SubscriptionStatus> = new Set(['none', 'trialing', 'active', 'past_due']);

/** What `organization.entitlements` holds; the app reads it through the billing API. */
export interface Entitlements {
  version: 1;
  /** The plan whose modules and limits apply now (the base plan once a subscription has ended). */
  plan: Plan;
  /** The plan the tenant is subscribed to (may differ from `plan` while not in good standing). */
  subscribedPlan: Plan;
  status: SubscriptionStatus;
  modules: Record<ModuleKey, boolean>;
  limits: PlanLimits;
  applicationFeeBps: number;
  /** The last invoice failed to be paid and no later one succeeded. */
  paymentIssue: boolean;
}

export function isPlan(value: unknown): value is Plan {
  return typeof value === 'string' && (PLANS as readonly string[]).includes(value);
}

/** The entitlements of a plan in a subscription status (pure). */
export function entitlementsFor(subscribedPlan: Plan, status: SubscriptionStatus = 'none', paymentIssue = false): Entitlements {
  const plan = PLAN_APPLIES.has(status) ? subscribedPlan : BASE_PLAN;
  const def = PLAN_CATALOGUE[plan];
  const on = new Set<ModuleKey>(def.modules);
  return {
    version: 1,
    plan,
    subscribedPlan,
    status,
    modules: Object.fromEntries(MODULE_KEYS.map((m) => [m, on.has(m)])) as Record<ModuleKey, boolean>,
    limits: { ...def.limits },
    applicationFeeBps: def.applicationFeeBps,
    paymentIssue,
  };
}

/**
 * The entitlements stored on a tenant, or those of its plan when none were
 * stored yet (tenants provisioned before billing, or never subscribed).
 */
export function resolveEntitlements(stored: unknown, plan: string): Entitlements {
  if (stored && typeof stored === 'object' && (stored as { version?: unknown }).version === 1) {
    const e = stored as Entitlements;
    if (isPlan(e.plan) && e.modules && typeof e.modules === 'object') return e;
  }
  return entitlementsFor(isPlan(plan) ? plan : BASE_PLAN);
}

/** Which module a synced table belongs to (for shapes and writes); null: always available. */
export const TABLE_MODULES: Readonly<Record<string, ModuleKey>> = {
  opportunities: 'pipeline',
  tasks: 'tasks',
  work_orders: 'work_orders',
  work_order_status_history: 'work_orders',
  time_entries: 'time_tracking',
  quotes: 'quotes',
  quote_lines: 'quotes',
  invoices: 'invoicing',
  invoice_lines: 'invoicing',
  payments: 'invoicing',
  payment_requests: 'client_payments',
};

export function moduleOfTable(table: string): ModuleKey | null {
  return Object.hasOwn(TABLE_MODULES, table) ? (TABLE_MODULES[table] ?? null) : null;
}
