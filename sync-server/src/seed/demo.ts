import { eq, sql } from 'drizzle-orm';
import { hashPassword } from 'better-auth/crypto';
import { account, organization, user, type DefaultRoleKey } from '@streamflow/schema';
import type { Database, Tx } from '../db/types.ts';
import { provisionTenant } from '../provisioning/register.ts';
import { loadTemplates } from '../provisioning/template-loader.ts';
import { addMemberWithRole } from '../provisioning/tenant-template.ts';
import { writeDemoData, type DemoVolume } from './demo-data.ts';
import { createRandom } from './random.ts';

export const DEMO_PASSWORD = 'streamflow-demo';

interface DemoTenant {
  slug: string;
  name: string;
  industry: string;
  seed: number;
  users: { email: string; name: string; role: DefaultRoleKey }[];
  volume: DemoVolume;
}

export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    slug: 'acme',
    name: 'Acme Field Services',
    industry: 'home_services',
    seed: 1001,
    users: [
      { email: 'owner@acme.test', name: 'Olivia Owner', role: 'owner' },
      { email: 'manager@acme.test', name: 'Marco Manager', role: 'manager' },
      { email: 'worker@acme.test', name: 'Wes Worker', role: 'worker' },
      // A bookkeeper working for both demo companies: the tenant switcher's demo.
      { email: 'consultant@streamflow.test', name: 'Casey Consultant', role: 'staff' },
    ],
    volume: { companies: 25, contactsPerCompany: 2, leads: 80, opportunities: 20, tasks: 25, workOrders: 20, invoices: 12 },
  },
  {
    slug: 'globex',
    name: 'Globex Plumbing',
    industry: 'home_services',
    seed: 2002,
    users: [
      { email: 'owner@globex.test', name: 'Gina Globex', role: 'owner' },
      { email: 'consultant@streamflow.test', name: 'Casey Consultant', role: 'staff' },
    ],
    volume: { companies: 10, contactsPerCompany: 2, leads: 30, opportunities: 8, tasks: 10, workOrders: 8, invoices: 5 },
  },
];

/**
 * Demo platform staff, one per staff space, so a new user can see all four
 * spaces. The accountant serves both demo tenants.
 */
export const DEMO_STAFF: readonly { email: string; name: string; space: 'provider' | 'dev' | 'accounting'; tenants: string[] }[] = [
  { email: 'provider@streamflow.test', name: 'Pat Provider', space: 'provider', tenants: [] },
  { email: 'dev@streamflow.test', name: 'Dana Developer', space: 'dev', tenants: [] },
  { email: 'accountant@streamflow.test', name: 'Avery Accountant', space: 'accounting', tenants: ['acme', 'globex'] },
];

export interface SeedResult {
  /** Slugs of tenants created by this run (empty when everything existed). */
  created: string[];
  /** Every demo sign-in: tenant members (role) and platform staff (role = their space, tenant = what they see). */
  logins: { tenant: string; email: string; role: DefaultRoleKey | 'provider' | 'dev' | 'accounting' }[];
}

async function ensureUser(tx: Tx, email: string, name: string, passwordHash: string): Promise<string> {
  const existing = await tx.select({ id: user.id }).from(user).where(eq(user.email, email));
  if (existing[0]) return existing[0].id;
  const id = crypto.randomUUID();
  await tx.insert(user).values({ id, email, name, emailVerified: true });
  await tx.insert(account).values({
    id: crypto.randomUUID(),
    accountId: id,
    providerId: 'credential',
    userId: id,
    password: passwordHash,
  });
  return id;
}

/**
 * Seeds the demo tenants (Acme Field Services, Globex Plumbing) with users
 * whose password is `streamflow-demo` and realistic data. Idempotent: a
 * tenant that exists (by slug) is left alone. The caller must never run it
 * in production (see `shouldSeedDemo`).
 */
export async function seedDemo(db: Database, now: Date = new Date()): Promise<SeedResult> {
  const result: SeedResult = { created: [], logins: [] };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const tenant of DEMO_TENANTS) {
    for (const u of tenant.users) result.logins.push({ tenant: tenant.name, email: u.email, role: u.role });
    const [exists] = await db.orm.select({ id: organization.id }).from(organization).where(eq(organization.slug, tenant.slug));
    if (exists) continue;
    const owner = tenant.users.find((u) => u.role === 'owner');
    if (!owner) throw new Error(`demo tenant ${tenant.slug} has no owner`);
    // Demo tenants are made by the one provisioning path, from the home-services template.
    await provisionTenant(
      { db, clock: { now: () => now }, templates: loadTemplates(), source: 'seed' },
      {
        plan: 'pro',
        industry: tenant.industry,
        externalCustomerId: `demo:${tenant.slug}`,
        company: { name: tenant.name },
        owner: { email: owner.email, name: owner.name },
        sampleData: false,
      },
      {
        slug: tenant.slug,
        passwordHash,
        queueJobs: false,
        extend: async (tx, { orgId, ownerId, roleIds }) => {
          const userIds: Partial<Record<DefaultRoleKey, string>> = { owner: ownerId };
          for (const u of tenant.users) {
            if (u.role === 'owner') continue;
            const id = await ensureUser(tx, u.email, u.name, passwordHash);
            userIds[u.role] = id;
            await addMemberWithRole(tx, orgId, id, u.role, roleIds[u.role]!);
          }
          await tx
            .update(organization)
            .set({ settings: sql`${organization.settings} || '{"demo": true}'::jsonb` })
            .where(eq(organization.id, orgId));
          const people = {
            ownerId,
            managerId: userIds.manager ?? ownerId,
            workerId: userIds.worker ?? userIds.manager ?? ownerId,
          };
          await writeDemoData(tx, orgId, people, tenant.volume, createRandom(tenant.seed), now);
        },
      },
    );
    result.created.push(tenant.slug);
  }
  await seedStaff(db, passwordHash);
  for (const s of DEMO_STAFF) {
    const sees = s.space === 'accounting' ? `serves ${s.tenants.join(', ')}` : s.space === 'provider' ? 'every tenant' : 'diagnostics';
    result.logins.push({ tenant: `platform (${sees})`, email: s.email, role: s.space });
  }
  return result;
}

/** The demo staff accounts; an existing account is left as it is. */
async function seedStaff(db: Database, passwordHash: string): Promise<void> {
  await db.orm.transaction(async (tx) => {
    for (const s of DEMO_STAFF) {
      const [existing] = await tx.select({ id: user.id }).from(user).where(eq(user.email, s.email));
      if (existing) continue;
      const id = await ensureUser(tx, s.email, s.name, passwordHash);
      await tx.execute(sql`insert into platform_staff (user_id, space) values (${id}, ${s.space})`);
      for (const slug of s.tenants) {
        await tx.execute(sql`insert into accountant_tenants (user_id, org_id) select ${id}, id from organization where slug = ${slug} on conflict do nothing`);
      }
    }
  });
}

/** Lines printed at start-up telling a new user how to sign in. */
export function formatLogins(result: SeedResult, url: string): string {
  const lines = [`StreamFlow is running at ${url}`, '', 'Demo sign-ins (password: streamflow-demo):'];
  const width = Math.max(...result.logins.map((l) => l.email.length));
  for (const l of result.logins) lines.push(`  ${l.email.padEnd(width)}  ${l.role.padEnd(10)}  ${l.tenant}`);
  return lines.join('\n');
}
