/**
 * Where pages live (PRODUCT.md 1), shared by the server's page guard and the
 * app's router so both send a user to the same place: after sign-in a client
 * member lands on `/tenant/{tenantId}/client/dashboard`, staff on
 * `/{space}/dashboard`; old flat URLs (`/leads`, `/dashboard`, ...) and
 * `/client/...` move to the tenant's client space; a page of another space or
 * another tenant sends the user home.
 */

export const SPACE_NAMES = ['client', 'provider', 'dev', 'accounting'] as const;
export type SpaceName = (typeof SPACE_NAMES)[number];

/** The pages of the client space (first URL segment after `/tenant/{id}/client/`). */
export const CLIENT_PAGES = ['dashboard', 'leads', 'companies', 'contacts', 'opportunities', 'tasks', 'work-orders', 'clock', 'invoices', 'team', 'settings'] as const;

/** Paths anyone may open, signed in or not. */
const OPEN_PATHS = new Set(['/', '/signup', '/verify-email', '/reset-password', '/forgot-password']);

export interface PageViewer {
  space: SpaceName;
  tenantId: string | null;
}

/** A user's home page. */
export function homePathOf(v: PageViewer): string {
  return v.space === 'client' && v.tenantId ? `/tenant/${v.tenantId}/client/dashboard` : `/${v.space}/dashboard`;
}

export type PageDecision =
  | { kind: 'ok' }
  /** A move the user expects (a flat URL, `/`): no denial. */
  | { kind: 'redirect'; to: string }
  /** Another space's or tenant's page: send home, and record the denial. */
  | { kind: 'denied'; to: string; reason: 'space' | 'tenant' };

/** What to do with a page request of a signed-in user. */
export function decidePage(v: PageViewer, path: string): PageDecision {
  const home = homePathOf(v);
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (OPEN_PATHS.has(clean)) return clean === '/' ? { kind: 'redirect', to: home } : { kind: 'ok' };
  const parts = clean.split('/').filter(Boolean);
  const [first = '', second, third] = parts;
  if (first === 'tenant') {
    if (!second || !third || !(SPACE_NAMES as readonly string[]).includes(third)) return { kind: 'redirect', to: home };
    if (third !== v.space) return { kind: 'denied', to: home, reason: 'space' };
    if (v.space !== 'client' || second !== v.tenantId) return { kind: 'denied', to: home, reason: 'tenant' };
    return parts.length === 3 ? { kind: 'redirect', to: home } : { kind: 'ok' };
  }
  if ((SPACE_NAMES as readonly string[]).includes(first)) {
    if (first !== v.space) return { kind: 'denied', to: home, reason: 'space' };
    if (v.space === 'client') return v.tenantId ? { kind: 'redirect', to: `/tenant/${v.tenantId}/${parts.join('/')}` } : { kind: 'ok' };
    return parts.length === 1 ? { kind: 'redirect', to: home } : { kind: 'ok' };
  }
  // An old flat URL of a client page.
  if ((CLIENT_PAGES as readonly string[]).includes(first)) {
    if (v.space === 'client' && v.tenantId) return { kind: 'redirect', to: `/tenant/${v.tenantId}/client/${parts.join('/')}` };
    if (first === 'dashboard') return { kind: 'redirect', to: home };
    return { kind: 'denied', to: home, reason: 'space' };
  }
  return { kind: 'ok' };
}
