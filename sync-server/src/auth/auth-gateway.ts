import type { Context, MiddlewareHandler } from 'hono';
import { userProfileInput } from '@streamflow/schema';
import type { AppEnv } from '../context.ts';
import { AppError, codeForStatus, CommonErrors, envelope } from '../errors.ts';
import type { Auth } from './better-auth.ts';

export const AuthGatewayErrors = {
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  INVALID_JSON: 'INVALID_JSON',
} as const;

/**
 * The better-auth endpoints the app uses, as `METHOD /path` under /api/auth
 * (`:param` matches one segment). Everything else better-auth offers (sign-up,
 * the organization plugin's member, invitation and settings endpoints, account
 * linking, deletion, get-session with its token...) answers 404: members,
 * roles and invitations go through the app's guarded and audited routes.
 */
export const AUTH_ENDPOINTS = [
  'POST /sign-in/email',
  'POST /sign-out',
  'POST /request-password-reset',
  // The password-reset email's link: checks the token, then redirects to the app's page.
  'GET /reset-password/:token',
  'POST /reset-password',
  'POST /change-password',
  'POST /update-user',
  // The link of the email sent when an unverified account signs in.
  'GET /verify-email',
  'GET /list-sessions',
  // The tenant switcher: the user's tenants, and making one active on the session.
  'GET /organization/list',
  'POST /organization/set-active',
] as const;

const MATCHERS = AUTH_ENDPOINTS.map((e) => {
  const [method, path] = e.split(' ') as [string, string];
  const re = new RegExp(`^/api/auth${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
  return { method, path, re };
});

/** The allow-listed endpoint a request is for (`/sign-in/email`...), or null. */
export function allowedAuthEndpoint(method: string, path: string): string | null {
  return MATCHERS.find((m) => m.method === method && m.re.test(path))?.path ?? null;
}

/** The media type of a content-type header, lower case without parameters (`APPLICATION/JSON; charset=x` -> `application/json`). */
export function mediaType(header: string | undefined): string | null {
  const t = header?.split(';')[0]?.trim().toLowerCase();
  return t ? t : null;
}

/**
 * better-auth parses JSON and form bodies; the rate limiter's account key and
 * the audit read JSON only. So a POST to /api/auth answers 415 unless its body
 * is JSON (or empty): no body type can reach a password check unattributed.
 */
export const authBodyType: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === 'POST') {
    const type = mediaType(c.req.header('content-type'));
    if (type !== 'application/json' && (type !== null || (await c.req.raw.clone().text()) !== '')) {
      throw new AppError(415, AuthGatewayErrors.UNSUPPORTED_MEDIA_TYPE, 'Send the body as application/json.');
    }
  }
  await next();
};

async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const raw = await c.req.raw.clone().text();
  try {
    return raw === '' ? {} : (JSON.parse(raw) as unknown);
  } catch {
    throw new AppError(400, AuthGatewayErrors.INVALID_JSON, 'The request body is not valid JSON.');
  }
}

type Shaper = (body: unknown) => unknown;
const pick = (keys: string[]) => (o: unknown) =>
  o !== null && typeof o === 'object' ? Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, (o as Record<string, unknown>)[k]])) : o;
const withoutToken = (o: unknown) => {
  if (o === null || typeof o !== 'object') return o;
  const { token: _token, ...rest } = o as Record<string, unknown>;
  return rest;
};
const organizationFields = pick(['id', 'name', 'slug', 'logo', 'createdAt']);

/**
 * What the app may see of a success body: session tokens never leave in a
 * body (the browser has its cookie, bearer clients the signed
 * `set-auth-token` header), and a tenant is its id, name, slug and logo.
 */
const SHAPERS: Record<string, Shaper> = {
  '/sign-in/email': withoutToken,
  '/list-sessions': (b) => (Array.isArray(b) ? b.map(withoutToken) : b),
  '/organization/list': (b) => (Array.isArray(b) ? b.map(organizationFields) : b),
  '/organization/set-active': (b) => (b === null ? b : organizationFields(b)),
};

/** A copy of better-auth's response headers for a rewritten body (cookies and redirects kept). */
function headersOf(res: Response): Headers {
  const h = new Headers(res.headers);
  h.delete('content-length');
  h.set('content-type', 'application/json');
  return h;
}

/** better-auth's error (`{ code, message }`, or none) in the app's envelope, with its status. */
async function inEnvelope(res: Response): Promise<Response> {
  const text = await res.text();
  let parsed: { code?: unknown; message?: unknown } | null = null;
  try {
    parsed = text ? (JSON.parse(text) as { code?: unknown; message?: unknown }) : null;
  } catch {
    parsed = null;
  }
  const status = res.status;
  const code = status >= 500 ? CommonErrors.INTERNAL : typeof parsed?.code === 'string' && parsed.code ? parsed.code : codeForStatus(status);
  const message =
    status >= 500 ? 'Something went wrong; try again.' : typeof parsed?.message === 'string' && parsed.message ? parsed.message : 'The request was refused.';
  return new Response(JSON.stringify(envelope(code, message)), { status, headers: headersOf(res) });
}

/**
 * `/api/auth/*`: only the allow-listed better-auth endpoints answer; profile
 * updates are validated first; better-auth's errors come back in the
 * envelope and success bodies are shaped (see SHAPERS).
 */
export function authGateway(auth: Auth): MiddlewareHandler<AppEnv> {
  return async (c) => {
    const endpoint = allowedAuthEndpoint(c.req.method, c.req.path);
    if (!endpoint) return c.json(envelope(CommonErrors.NOT_FOUND, `No route for ${c.req.method} ${c.req.path}.`), 404);
    let req = c.req.raw;
    if (endpoint === '/update-user') {
      // better-auth would take any string (or null: a 500) as a name and any URL as a picture.
      const profile = userProfileInput.parse(await jsonBody(c));
      req = new Request(req, { body: JSON.stringify(profile) });
    }
    const res = await auth.handler(req);
    if (res.status >= 400) return inEnvelope(res);
    const shaper = SHAPERS[endpoint];
    if (!shaper || !res.headers.get('content-type')?.includes('application/json')) return res;
    const text = await res.text();
    const body: unknown = text ? JSON.parse(text) : null;
    return new Response(JSON.stringify(shaper(body)), { status: res.status, headers: headersOf(res) });
  };
}
