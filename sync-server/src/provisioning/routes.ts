import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { hashPassword, verifyPassword } from 'better-auth/crypto';
import { account, registerTenantInput, signupInput } from '@streamflow/schema';
import type { AppEnv, Deps } from '../context.ts';
import { AppError, CommonErrors } from '../errors.ts';
import { recordAudit } from '../audit/record.ts';
import { publicRoute } from '../auth/guards.ts';
import { ProvisioningErrors } from './errors.ts';
import { provisionTenant, type ProvisionSource } from './register.ts';
import { hasSignature, verifySignedRequest } from './signed-request.ts';
import { loadTemplates } from './template-loader.ts';

async function readJson(c: Context<AppEnv>, raw: string): Promise<unknown> {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError(400, ProvisioningErrors.INVALID_JSON, 'The request body is not valid JSON.');
  }
}

/**
 * Tenant provisioning routes (PRODUCT.md 3):
 * - `POST /api/tenant/register`: provider staff (principal in the provider
 *   space) or a request signed with PROVISIONING_HMAC_SECRET.
 * - `POST /api/tenant/signup`: public self-serve sign-up (rate-limit it).
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
      const raw = await c.req.text();
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
      const input = registerTenantInput.parse(await readJson(c, raw));
      const result = await provisionTenant(
        { db: deps.db, clock: deps.clock, templates, source, actorUserId: source === 'provider' ? principal?.userId : null, requestId: c.get('requestId') },
        input,
      );
      return c.json(result, result.created ? 201 : 200);
    })
    .post('/api/tenant/signup', publicRoute, async (c) => {
      const input = signupInput.parse(await readJson(c, await c.req.text()));
      const register = registerTenantInput.parse({
        plan: 'starter',
        industry: input.industry,
        externalCustomerId: `signup:${input.signupId}`,
        company: input.company,
        owner: { email: input.owner.email, name: input.owner.name },
      });
      const result = await provisionTenant(
        { db: deps.db, clock: deps.clock, templates, source: 'signup', requestId: c.get('requestId') },
        register,
        { passwordHash: await hashPassword(input.owner.password) },
      );
      if (!result.created) {
        // A retried sign-up (double submit, lost response) must prove it is the same person.
        const [cred] = await deps.db.orm
          .select({ password: account.password })
          .from(account)
          .where(and(eq(account.userId, result.owner.id), eq(account.providerId, 'credential')));
        if (!cred?.password || !(await verifyPassword({ hash: cred.password, password: input.owner.password }))) {
          throw new AppError(409, ProvisioningErrors.SIGNUP_REPLAY_MISMATCH, 'This sign-up was already completed.');
        }
      }
      return c.json(
        { ...result, next: { signIn: '/api/auth/sign-in/email', dashboard: `/tenant/${result.tenant.id}/client/dashboard` } },
        result.created ? 201 : 200,
      );
    });
}
