import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { z } from 'zod';
import { account, organization, registerTenantInput, signupInput, user } from '@streamflow/schema';
import type { AppEnv, Deps } from '../context.ts';
import { AppError, CommonErrors } from '../errors.ts';
import { recordAudit } from '../audit/record.ts';
import { publicRoute } from '../auth/guards.ts';
import { ProvisioningErrors } from './errors.ts';
import { provisionTenant, type ProvisionSource } from './register.ts';
import { hasSignature, verifySignedRequest } from './signed-request.ts';
import { loadTemplates } from './template-loader.ts';
import { parseJsonText, readJson, readJsonText } from '../json-body.ts';
import { requestSignupVerification, takePendingSignup } from './signup-verification.ts';

/**
 * Tenant provisioning routes (PRODUCT.md 3):
 * - `POST /api/tenant/register`: provider staff (principal in the provider
 *   space) or a request signed with PROVISIONING_HMAC_SECRET.
 * - `POST /api/tenant/signup`: public self-serve sign-up (rate-limited): answers
 *   202 and emails a confirmation link; `POST /api/tenant/signup/verify` with
 *   the link's token then creates the owner (email verified) and the tenant.
 * - `GET /api/tenant/industries`: the templates a sign-up may pick (public).
 * Templates are loaded (and validated) when the routes are built, so a
 * broken template stops start-up.
 */
export function provisioningRoutes(deps: Deps) {
  const templates = loadTemplates();
  const auditDenied = (c: Context<AppEnv>, code: string, details: Record<string, unknown> = {}) =>
    recordAudit(deps.db, {
      at: deps.clock.now(),
      action: 'provisioning.register',
      outcome: 'denied',
      actorUserId: c.get('principal')?.userId ?? null,
      requestId: c.get('requestId'),
      space: c.get('principal')?.space ?? null,
      details: { code, ...details },
    });

  return new Hono<AppEnv>()
    .get('/api/tenant/industries', publicRoute, (c) =>
      c.json({
        industries: [...templates.values()].map((t) => ({ key: t.key, name: t.name, description: t.description, modules: t.modules })),
      }),
    )
    .post('/api/tenant/register', publicRoute, async (c) => {
      // The exact bytes: a signature covers them before anything is parsed.
      const raw = await readJsonText(c);
      let source: ProvisionSource;
      const principal = c.get('principal');
      if (hasSignature((h) => c.req.header(h))) {
        const verdict = await verifySignedRequest({
          db: deps.db,
          secret: deps.env.PROVISIONING_HMAC_SECRET,
          windowSeconds: deps.env.PROVISIONING_SIGNATURE_WINDOW_S,
          now: deps.clock.now(),
          method: c.req.method,
          path: c.req.path,
          body: raw,
          header: (h) => c.req.header(h),
        });
        if (!verdict.ok) {
          await auditDenied(c, verdict.code);
          throw new AppError(401, verdict.code, verdict.message);
        }
        source = 'signed';
      } else if (!principal) {
        throw new AppError(401, CommonErrors.UNAUTHENTICATED, 'Sign in as provider staff or sign the request.');
      } else if (principal.space !== 'provider') {
        await auditDenied(c, CommonErrors.FORBIDDEN);
        throw new AppError(403, CommonErrors.FORBIDDEN, 'Only provider staff or a signed platform request may register tenants.');
      } else {
        source = 'provider';
      }
      const input = registerTenantInput.parse(parseJsonText(raw));
      const result = await provisionTenant(
        { db: deps.db, clock: deps.clock, templates, source, actorUserId: source === 'provider' ? principal?.userId : null, requestId: c.get('requestId') },
        input,
      );
      return c.json(result, result.created ? 201 : 200);
    })
    .post('/api/tenant/signup', publicRoute, async (c) => {
      const input = signupInput.parse(await readJson(c));
      const register = registerTenantInput.parse({
        plan: 'starter',
        industry: input.industry,
        externalCustomerId: `signup:${input.signupId}`,
        company: input.company,
        owner: { email: input.owner.email, name: input.owner.name },
      });
      if (!templates.has(register.industry)) {
        throw new AppError(422, ProvisioningErrors.UNKNOWN_INDUSTRY, `Unknown industry "${register.industry}".`, { industries: [...templates.keys()] });
      }
      const [done] = await deps.db.orm.select({ id: organization.id }).from(organization).where(eq(organization.externalCustomerId, register.externalCustomerId));
      if (done) {
        // A retried sign-up (double submit, lost response) after the email was confirmed must prove it is the same person.
        const result = await provisionTenant({ db: deps.db, clock: deps.clock, templates, source: 'signup', requestId: c.get('requestId') }, register);
        const [cred] = await deps.db.orm
          .select({ password: account.password })
          .from(account)
          .where(and(eq(account.userId, result.owner.id), eq(account.providerId, 'credential')));
        if (!cred?.password || !(await verifyPassword({ hash: cred.password, password: input.owner.password }))) {
          throw new AppError(409, ProvisioningErrors.SIGNUP_REPLAY_MISMATCH, 'This sign-up was already completed.');
        }
        return c.json({ ...result, next: signupNext(result.tenant.id) }, 200);
      }
      const [taken] = await deps.db.orm.select({ id: user.id }).from(user).where(eq(user.email, register.owner.email));
      if (taken) throw new AppError(409, ProvisioningErrors.EMAIL_TAKEN, 'An account with this email already exists: sign in instead.');
      // Nothing is created until the owner proves the address (the emailed link, then POST /api/tenant/signup/verify).
      await requestSignupVerification(deps, { register, passwordHash: await hashPassword(input.owner.password) });
      await recordAudit(deps.db, { at: deps.clock.now(), action: 'provisioning.signup_requested', outcome: 'succeeded', requestId: c.get('requestId'), space: 'public', details: { externalCustomerId: register.externalCustomerId } });
      return c.json({ verification: 'sent', email: register.owner.email }, 202);
    })
    .post('/api/tenant/signup/verify', publicRoute, async (c) => {
      const { token } = z.object({ token: z.string().min(16).max(200) }).parse(await readJson(c));
      const pending = await takePendingSignup(deps, token);
      if (!pending) throw new AppError(400, ProvisioningErrors.SIGNUP_LINK_INVALID, 'This link was already used or has expired: sign in, or sign up again.');
      const result = await provisionTenant(
        { db: deps.db, clock: deps.clock, templates, source: 'signup', requestId: c.get('requestId') },
        pending.register,
        { passwordHash: pending.passwordHash },
      );
      return c.json({ ...result, next: signupNext(result.tenant.id) }, result.created ? 201 : 200);
    });
}

/** Where a confirmed sign-up goes next: sign in, then the tenant's dashboard. */
function signupNext(tenantId: string) {
  return { signIn: '/api/auth/sign-in/email', dashboard: `/tenant/${tenantId}/client/dashboard` };
}
