import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { account, organization, templateSettings, user, type RegisterTenantInput } from '@streamflow/schema';
import type { Clock } from '../clock.ts';
import { withPlatform } from '../db/tenant.ts';
import type { Database, Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { enqueueJob, JOB_KINDS } from '../jobs/queue.ts';
import { recordAudit } from '../audit/record.ts';
import { isUniqueViolation } from './unique-violation.ts';
import { ProvisioningErrors } from './errors.ts';
import type { TemplateRegistry } from './template-loader.ts';
import { addMemberWithRole, createTemplateRoles, writeSampleData } from './tenant-template.ts';

/** Who asked for the tenant: provider staff, a signed platform call, the public sign-up, or the demo seed. */
export type ProvisionSource = 'provider' | 'signed' | 'signup' | 'seed';

export interface ProvisionContext {
  db: Database;
  clock: Clock;
  templates: TemplateRegistry;
  source: ProvisionSource;
  actorUserId?: string | null;
  requestId?: string | null;
}

export interface ProvisionOptions {
  /** A hash made by better-auth's `hashPassword`: the owner is present and chose it (sign-up, seed). */
  passwordHash?: string;
  /** A fixed slug (the demo seed); otherwise one is made from the company name. */
  slug?: string;
  /** Queue the welcome email and federation handshake (default true). */
  queueJobs?: boolean;
  /** More work in the same transaction once the tenant exists (the demo seed adds users and records). */
  extend?: (tx: Tx, created: { orgId: string; ownerId: string; roleIds: Record<string, string> }) => Promise<void>;
}

export interface ProvisionResult {
  created: boolean;
  tenant: { id: string; slug: string; name: string; plan: string; industry: string; externalCustomerId: string };
  owner: { id: string; email: string };
}

/** A stable hash of what a registration asks for; a retry must match it exactly. */
export function payloadHash(input: RegisterTenantInput): string {
  const canonical = JSON.stringify([input.plan, input.industry, input.company.name, input.owner.email, input.owner.name, input.sampleData]);
  return createHash('sha256').update(canonical).digest('hex');
}

function slugify(name: string): string {
  const s = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return s || 'tenant';
}

type Outcome = { kind: 'done'; result: ProvisionResult } | { kind: 'conflict'; tenantId: string };

async function existingResult(db: Database, tx: Tx, orgId: string): Promise<ProvisionResult> {
  const [r] = await db.rows<Record<string, string>>(
    sql`select o.id, o.slug, o.name, o.plan, o.industry, o.external_customer_id, u.id as user_id, u.email
        from organization o join member m on m.organization_id = o.id and m.role = 'owner'
        join "user" u on u.id = m.user_id where o.id = ${orgId} order by m.created_at limit 1`,
    tx,
  );
  if (!r) throw new Error(`tenant ${orgId} has no owner`);
  return {
    created: false,
    tenant: { id: r.id!, slug: r.slug!, name: r.name!, plan: r.plan!, industry: r.industry!, externalCustomerId: r.external_customer_id! },
    owner: { id: r.user_id!, email: r.email! },
  };
}

/**
 * The provisioning orchestrator, the one way a tenant is created. In one
 * transaction: the tenant with its modules, template settings (fields,
 * forms, pipeline, work-order statuses and transitions, checklist), roles
 * and permissions, the owner, optional sample data, and the welcome email
 * and federation handshake jobs; every step audited. Idempotent by
 * `externalCustomerId`: concurrent or later retries with the same payload
 * return the same tenant (`created: false`), a different payload is a 409.
 */
export async function provisionTenant(ctx: ProvisionContext, input: RegisterTenantInput, opts: ProvisionOptions = {}): Promise<ProvisionResult> {
  const template = ctx.templates.get(input.industry);
  if (!template) {
    throw new AppError(422, ProvisioningErrors.UNKNOWN_INDUSTRY, `Unknown industry "${input.industry}".`, {
      industries: [...ctx.templates.keys()],
    });
  }
  const hash = payloadHash(input);
  const run = () =>
    withPlatform(
      ctx.db,
      { action: 'provisioning.register', actorUserId: ctx.actorUserId, requestId: ctx.requestId, details: { source: ctx.source, externalCustomerId: input.externalCustomerId } },
      (tx) => provisionInTx(tx, ctx, input, opts, hash),
    );
  let outcome: Outcome | undefined;
  for (let attempt = 1; !outcome; attempt++) {
    try {
      outcome = await run();
    } catch (err) {
      // The advisory lock serialises retries of one external id. Different ids can still race
      // on a unique owner email or slug; running again sees the winner's committed rows and
      // answers as a retry would (existing tenant, EMAIL_TAKEN, or a suffixed slug).
      if (attempt >= 3 || !isUniqueViolation(err)) throw err;
    }
  }
  if (outcome.kind === 'conflict') {
    throw new AppError(409, ProvisioningErrors.EXTERNAL_ID_CONFLICT, 'This externalCustomerId was already registered with a different payload.', {
      externalCustomerId: input.externalCustomerId,
    });
  }
  return outcome.result;
}

async function provisionInTx(tx: Tx, ctx: ProvisionContext, input: RegisterTenantInput, opts: ProvisionOptions, hash: string): Promise<Outcome> {
  const now = ctx.clock.now();
  const template = ctx.templates.get(input.industry)!;
  const space = ctx.source === 'provider' ? 'provider' : ctx.source === 'signup' ? 'public' : 'platform';
  const audit = (action: string, orgId: string | null, details: Record<string, unknown>, outcome: 'succeeded' | 'denied' = 'succeeded') =>
    recordAudit(ctx.db, { at: now, action, outcome, orgId, actorUserId: ctx.actorUserId, requestId: ctx.requestId, space, details }, tx);

  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('streamflow.provision'), hashtext(${input.externalCustomerId}))`);
  const [existing] = await tx
    .select({ id: organization.id, settings: organization.settings })
    .from(organization)
    .where(eq(organization.externalCustomerId, input.externalCustomerId));
  if (existing) {
    const stored = (existing.settings.provisioning as { payloadHash?: string } | undefined)?.payloadHash;
    if (stored !== hash) {
      await audit('provisioning.conflict', existing.id, { externalCustomerId: input.externalCustomerId }, 'denied');
      return { kind: 'conflict', tenantId: existing.id };
    }
    await audit('provisioning.replayed', existing.id, { externalCustomerId: input.externalCustomerId });
    return { kind: 'done', result: await existingResult(ctx.db, tx, existing.id) };
  }

  const [owner] = await tx.select({ id: user.id }).from(user).where(eq(user.email, input.owner.email));
  if (owner && opts.passwordHash) {
    throw new AppError(409, ProvisioningErrors.EMAIL_TAKEN, 'An account with this email already exists: sign in instead.');
  }

  const orgId = crypto.randomUUID();
  let slug = opts.slug ?? slugify(input.company.name);
  if (!opts.slug) {
    const [taken] = await tx.select({ id: organization.id }).from(organization).where(eq(organization.slug, slug));
    if (taken) slug = `${slug}-${orgId.slice(0, 6)}`;
  }
  const settings = {
    ...templateSettings(template),
    provisioning: { payloadHash: hash, source: ctx.source, registeredAt: now.toISOString() },
    onboarding: { status: 'pending', completedSteps: [] as string[] },
  };
  await tx.insert(organization).values({
    id: orgId,
    name: input.company.name,
    slug,
    plan: input.plan,
    industry: input.industry,
    externalCustomerId: input.externalCustomerId,
    settings,
    createdAt: now,
    updatedAt: now,
  });
  // Tenant rows below pass the RLS policy even where the owner role is not a superuser.
  await tx.execute(sql`select set_config('app.org_id', ${orgId}, true)`);
  await audit('provisioning.tenant_created', orgId, { slug, plan: input.plan, industry: input.industry, externalCustomerId: input.externalCustomerId });
  await audit('provisioning.modules_enabled', orgId, { modules: template.modules });

  const roleIds = await createTemplateRoles(tx, orgId, template, ctx.actorUserId ?? null);
  await audit('provisioning.roles_created', orgId, { roles: Object.keys(roleIds) });
  await audit('provisioning.template_applied', orgId, {
    template: template.key,
    customFields: Object.fromEntries(Object.entries(template.customFields).map(([t, f]) => [t, f.length])),
    forms: template.forms.map((f) => f.key),
    pipelineStages: settings.pipelineStages,
    workOrderStatuses: settings.workOrderStatuses,
  });

  let ownerId = owner?.id;
  if (!ownerId) {
    ownerId = crypto.randomUUID();
    await tx.insert(user).values({ id: ownerId, email: input.owner.email, name: input.owner.name, // A self-serve owner reaches here only through the emailed link (signup-verification.ts).
      emailVerified: ctx.source === 'seed' || ctx.source === 'signup', createdAt: now, updatedAt: now });
    if (opts.passwordHash) {
      await tx.insert(account).values({ id: crypto.randomUUID(), accountId: ownerId, providerId: 'credential', userId: ownerId, password: opts.passwordHash });
    }
  }
  const memberId = await addMemberWithRole(tx, orgId, ownerId, 'owner', roleIds.owner!);
  await audit('provisioning.owner_created', orgId, { userId: ownerId, memberId, existingUser: Boolean(owner), password: opts.passwordHash ? 'chosen' : 'invitation' });

  if (input.sampleData) await audit('provisioning.sample_data', orgId, await writeSampleData(tx, orgId, template, ownerId));

  if (opts.extend) await opts.extend(tx, { orgId, ownerId, roleIds });

  if (opts.queueJobs !== false) {
    const welcome = await enqueueJob(tx, {
      kind: JOB_KINDS.EMAIL_WELCOME,
      orgId,
      dedupeKey: `welcome:${orgId}`,
      runAt: now,
      payload: { orgId, userId: ownerId, email: input.owner.email, name: input.owner.name, tenantName: input.company.name, needsPassword: !opts.passwordHash && !owner },
    });
    const handshake = await enqueueJob(tx, {
      kind: JOB_KINDS.FEDERATION_HANDSHAKE,
      orgId,
      dedupeKey: `federation-handshake:${orgId}`,
      runAt: now,
      payload: { orgId, externalCustomerId: input.externalCustomerId },
    });
    await audit('provisioning.jobs_queued', orgId, { welcomeJob: welcome.id, federationJob: handshake.id });
  }
  return {
    kind: 'done',
    result: {
      created: true,
      tenant: { id: orgId, slug, name: input.company.name, plan: input.plan, industry: input.industry, externalCustomerId: input.externalCustomerId },
      owner: { id: ownerId, email: input.owner.email },
    },
  };
}
