import { DEMO_PASSWORD } from '../seed/demo.ts';

/** Something that answers requests like a Hono app. */
export interface RequestTarget {
  request(input: string, init?: RequestInit): Response | Promise<Response>;
}

export interface SignedIn {
  /** `Cookie` header value carrying the session. */
  cookie: string;
  /** The bearer token for the same session (Authorization: Bearer). */
  token: string;
  /** Headers to send on authenticated requests (cookie and a same-origin Origin). */
  headers: Record<string, string>;
}

export const TEST_ORIGIN = 'http://localhost:3000';

/** Signs in through the real /api/auth/sign-in/email endpoint; demo users by default. */
export async function signIn(app: RequestTarget, email: string, password: string = DEMO_PASSWORD): Promise<SignedIn> {
  const res = await app.request('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_ORIGIN },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = res.headers.get('set-auth-token') ?? '';
  return { cookie, token, headers: { cookie, origin: TEST_ORIGIN } };
}
