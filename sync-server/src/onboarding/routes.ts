import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { and, eq, sql } from 'drizzle-orm';
import {
  CORE_MODULES,
  brandInput,
  businessHoursInput,
  invitation,
  invitesInput,
  modulesInput,
  organization,
  tenantLogos,
  wizardStateInput,
  type ModuleKey,
} from '@streamflow/schema';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { AppEnv, Deps } from '../context.ts';
import { withTenant } from '../db/tenant.ts';
import { readJson } from '../json-body.ts';
import { AppError, CommonErrors } from '../errors.ts';
import { enqueueJob, JOB_KINDS } from '../jobs/queue.ts';
import { recordAudit } from '../audit/record.ts';
import { requireTenant, tenantPrincipalOf } from '../auth/guards.ts';
import { OnboardingErrors } from './errors.ts';
import { sniffImageType } from './logo.ts';
import { isOwnerLike, onboardingView, updateSettings } from './service.ts';

const INVITE_TTL_MS = 7 * 86_400_000;

function ownerPrincipal(c: Context<AppEnv>): TenantPrincipal {
  const p = tenantPrincipalOf(c);
  if (!isOwnerLike(p)) throw new AppError(403, OnboardingErrors.OWNER_ONLY, 'Only the owner can change this.');
  return p;
}

/**
 * The owner's onboarding wizard and the dashboard checklist (PRODUCT.md 6).
 * Everything is scoped to the principal's tenant; changes are audited.
 */
export function onboardingRoutes(deps: Deps) {
  const audit = (c: Context<AppEnv>, p: TenantPrincipal, action: string, details: Record<string, unknown>) =>
    recordAudit(deps.db, { at: deps.clock.now(), action, outcome: 'succeeded', orgId: p.orgId, actorUserId: p.userId, requestId: c.get('requestId'), space: 'client', details });

  const tooLarge = () =>
    new AppError(413, OnboardingErrors.LOGO_TOO_LARGE, `The logo must be at most ${deps.env.LOGO_MAX_BYTES} bytes.`, { maxBytes: deps.env.LOGO_MAX_BYTES });

  const tenant = requireTenant(deps);
  return new Hono<AppEnv>()
    .get('/api/onboarding', tenant, async (c) => c.json(await onboardingView(deps, tenantPrincipalOf(c))))
    .put('/api/onboarding/wizard', tenant, async (c) => {
      const p = ownerPrincipal(c);
      const input = wizardStateInput.parse(await readJson(c));
      await updateSettings(deps.db, p.orgId, deps.clock.now(), (s) => {
        const o = s.onboarding ?? {};
        const completed = new Set(o.completedSteps ?? []);
        if (input.completedStep) completed.add(input.completedStep);
        return {
          ...s,
          onboarding: {
            status: input.status ?? (o.status === 'pending' || !o.status ? 'in_progress' : o.status),
            step: input.step ?? o.step ?? null,
            completedSteps: [...completed],
          },
        };
      });
      if (input.status === 'skipped' || input.status === 'completed') await audit(c, p, `onboarding.${input.status}`, {});
      return c.json(await onboardingView(deps, p));
    })
    .put('/api/onboarding/business-hours', tenant, async (c) => {
      const p = ownerPrincipal(c);
      const hours = businessHoursInput.parse(await readJson(c));
      await updateSettings(deps.db, p.orgId, deps.clock.now(), (s) => ({ ...s, businessHours: hours }));
      await audit(c, p, 'onboarding.business_hours', { timezone: hours.timezone });
      return c.json(await onboardingView(deps, p));
    })
    // The tenant's brand colour: re-tints the client space for every member (null: StreamFlow's own).
    .put('/api/onboarding/brand', tenant, async (c) => {
      const p = ownerPrincipal(c);
      const { color } = brandInput.parse(await readJson(c));
      await updateSettings(deps.db, p.orgId, deps.clock.now(), (s) => ({ ...s, brandColor: color }));
      await audit(c, p, 'settings.brand', { color });
      return c.json(await onboardingView(deps, p));
    })
    .put('/api/onboarding/modules', tenant, async (c) => {
      const p = ownerPrincipal(c);
      const { modules } = modulesInput.parse(await readJson(c));
      for (const [key, on] of Object.entries(modules)) {
        if (!on && CORE_MODULES.includes(key as ModuleKey)) throw new AppError(422, OnboardingErrors.CORE_MODULE, `The ${key} module cannot be turned off.`);
      }
      await updateSettings(deps.db, p.orgId, deps.clock.now(), (s) => ({ ...s, modules: { ...s.modules, ...modules } as Record<ModuleKey, boolean> }));
      await audit(c, p, 'onboarding.modules', { modules });
      return c.json(await onboardingView(deps, p));
    })
    .post('/api/onboarding/invites', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      if (!isOwnerLike(p) && !p.perms.has('members.manage')) throw new AppError(403, CommonErrors.FORBIDDEN, 'You cannot invite members.');
      const { invites } = invitesInput.parse(await readJson(c));
      const now = deps.clock.now();
      const roleKeys = new Set(
        (await withTenant(deps.db, { orgId: p.orgId }, (tx) => deps.db.rows<{ key: string }>(sql`select key from roles where key <> 'owner'`, tx))).map((r) => r.key),
      );
      for (const i of invites) if (!roleKeys.has(i.role)) throw new AppError(422, OnboardingErrors.UNKNOWN_ROLE, `Unknown role "${i.role}".`, { roles: [...roleKeys] });
      const [org] = await deps.db.orm.select({ name: organization.name }).from(organization).where(eq(organization.id, p.orgId));
      const created: string[] = [];
      await deps.db.orm.transaction(async (tx) => {
        for (const i of invites) {
          const [pending] = await tx
            .select({ id: invitation.id })
            .from(invitation)
            .where(and(eq(invitation.organizationId, p.orgId), eq(invitation.email, i.email), eq(invitation.status, 'pending')));
          if (pending) continue;
          const id = crypto.randomUUID();
          await tx.insert(invitation).values({ id, organizationId: p.orgId, email: i.email, role: i.role, status: 'pending', expiresAt: new Date(now.getTime() + INVITE_TTL_MS), createdAt: now, inviterId: p.userId });
          await enqueueJob(tx, {
            kind: JOB_KINDS.EMAIL_INVITE,
            orgId: p.orgId,
            dedupeKey: `invite:${id}`,
            runAt: now,
            payload: { invitationId: id, email: i.email, role: i.role, tenantName: org?.name ?? '', inviterName: p.name },
          });
          await recordAudit(deps.db, { at: now, action: 'members.invited', outcome: 'succeeded', orgId: p.orgId, actorUserId: p.userId, requestId: c.get('requestId'), space: 'client', targetTable: 'invitation', targetId: id, details: { role: i.role } }, tx);
          created.push(i.email);
        }
      });
      return c.json({ invited: created, view: await onboardingView(deps, p) }, 201);
    })
    .put('/api/onboarding/logo', tenant, bodyLimit({ maxSize: deps.env.LOGO_MAX_BYTES, onError: () => { throw tooLarge(); } }), async (c) => {
      const p = ownerPrincipal(c);
      const max = deps.env.LOGO_MAX_BYTES;
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      if (bytes.byteLength > max) throw tooLarge();
      const type = sniffImageType(bytes);
      const claimed = (c.req.header('content-type') ?? '').split(';')[0]?.trim();
      if (!type || (claimed && claimed !== type)) {
        throw new AppError(415, OnboardingErrors.LOGO_TYPE_NOT_ALLOWED, 'The logo must be a PNG, JPEG, WebP or GIF image.');
      }
      const etag = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const now = deps.clock.now();
      await withTenant(deps.db, { orgId: p.orgId, userId: p.userId }, async (tx) => {
        const row = { orgId: p.orgId, contentType: type, byteSize: bytes.byteLength, dataBase64: Buffer.from(bytes).toString('base64'), etag, updatedBy: p.userId, updatedAt: now };
        await tx.insert(tenantLogos).values(row).onConflictDoUpdate({ target: tenantLogos.orgId, set: row });
      });
      const logoUrl = `/api/onboarding/logo?v=${etag}`;
      await deps.db.orm.update(organization).set({ logo: logoUrl, updatedAt: now }).where(eq(organization.id, p.orgId));
      await audit(c, p, 'onboarding.logo', { contentType: type, bytes: bytes.byteLength });
      return c.json({ logoUrl });
    })
    .get('/api/onboarding/logo', tenant, async (c) => {
      const p = tenantPrincipalOf(c);
      const [logo] = await withTenant(deps.db, { orgId: p.orgId }, (tx) => tx.select().from(tenantLogos));
      if (!logo) throw new AppError(404, OnboardingErrors.LOGO_NOT_FOUND, 'No logo uploaded yet.');
      c.header('content-type', logo.contentType);
      c.header('x-content-type-options', 'nosniff');
      c.header('cache-control', 'private, max-age=86400');
      c.header('etag', `"${logo.etag}"`);
      return c.body(Buffer.from(logo.dataBase64, 'base64'));
    });
}
