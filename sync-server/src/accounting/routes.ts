import { sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { INVOICE_STATUSES, PAYMENT_STATUSES } from '@streamflow/schema';
import { principalOf, requireSpace } from '../auth/guards.ts';
import type { AppEnv, Deps } from '../context.ts';
import { withPlatform } from '../db/tenant.ts';
import type { Tx } from '../db/types.ts';
import { AppError } from '../errors.ts';

export const AccountingErrors = {
  TENANT_NOT_SERVED: 'TENANT_NOT_SERVED',
} as const;

const PAGE = 50;

/** `<created_at ISO>_<uuid>`: the keyset position of the last row of a page. */
const cursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z_[0-9a-f-]{36}$/i, 'a cursor from a previous page')
  .transform((v) => ({ at: v.slice(0, v.indexOf('_')), id: v.slice(v.indexOf('_') + 1) }));

const listQuery = <S extends readonly [string, ...string[]]>(statuses: S) =>
  z
    .object({
      tenant: z.string().min(1).max(64).optional(),
      status: z.enum(statuses).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(PAGE),
      before: cursor.optional(),
    })
    .strict();

const iso = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/**
 * The accounting space (PRODUCT.md 9): invoices, payments and revenue of the
 * tenants an accountant serves (`accountant_tenants`), read-only. Each read
 * crosses tenants through the audited platform path and is always narrowed to
 * the served tenants; a tenant the accountant does not serve answers 404
 * exactly like one that does not exist.
 */
export function accountingRoutes(deps: Pick<Deps, 'db'>) {
  const { db } = deps;
  const accounting = requireSpace(deps, 'accounting');

  /** The served tenants, or just `tenant` when it is one of them. */
  async function served(tx: Tx, userId: string, tenant: string | undefined): Promise<string[]> {
    const rows = await db.rows<{ org_id: string }>(sql`select org_id from accountant_tenants where user_id = ${userId} order by org_id`, tx);
    const ids = rows.map((r) => r.org_id);
    if (tenant === undefined) return ids;
    if (!ids.includes(tenant)) throw new AppError(404, AccountingErrors.TENANT_NOT_SERVED, 'No such tenant among the ones you serve.');
    return [tenant];
  }

  /** `<column> in (<ids>)`, or false for none. */
  const orgIn = (column: string, ids: string[]): SQL =>
    ids.length ? sql`${sql.raw(column)} in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})` : sql`false`;
  const page = <T extends { created_at: string; id: string }>(rows: T[], limit: number) => ({
    rows: rows.slice(0, limit),
    next: rows.length > limit ? `${rows[limit - 1]?.created_at}_${rows[limit - 1]?.id}` : null,
  });

  return new Hono<AppEnv>()
    .get('/api/accounting/tenants', accounting, async (c) => {
      const p = principalOf(c);
      const tenants = await withPlatform(db, { action: 'accounting.tenants', actorUserId: p.userId, requestId: c.get('requestId') }, async (tx) => {
        const ids = await served(tx, p.userId, undefined);
        if (ids.length === 0) return [];
        const orgs = await db.rows<{ id: string; name: string; slug: string }>(
          sql`select id, name, slug from organization where ${orgIn('id', ids)} order by name`,
          tx,
        );
        // Revenue per tenant and currency: money received (succeeded payments, less refunds) and what is still owed.
        const money = await db.rows<{ org_id: string; currency: string; invoiced: string; outstanding: string; received: string; refunded: string; invoices: number }>(
          sql`with inv as (
                select org_id, currency, sum(total) filter (where status in ('open', 'paid')) as invoiced,
                       sum(greatest(total - amount_paid, 0)) filter (where status = 'open') as outstanding, count(*)::int as invoices
                  from invoices where ${orgIn('org_id', ids)} group by org_id, currency),
              pay as (
                select org_id, currency, sum(amount) filter (where status = 'succeeded') as received,
                       sum(amount) filter (where status = 'refunded') as refunded
                  from payments where ${orgIn('org_id', ids)} group by org_id, currency)
              select coalesce(inv.org_id, pay.org_id) as org_id, coalesce(inv.currency, pay.currency) as currency,
                     coalesce(inv.invoiced, 0)::text as invoiced, coalesce(inv.outstanding, 0)::text as outstanding,
                     coalesce(pay.received, 0)::text as received, coalesce(pay.refunded, 0)::text as refunded,
                     coalesce(inv.invoices, 0) as invoices
                from inv full join pay on pay.org_id = inv.org_id and pay.currency = inv.currency
               order by 1, 2`,
          tx,
        );
        return orgs.map((o) => ({
          id: o.id,
          name: o.name,
          slug: o.slug,
          revenue: money
            .filter((m) => m.org_id === o.id)
            .map((m) => ({ currency: m.currency, invoiced: m.invoiced, outstanding: m.outstanding, received: m.received, refunded: m.refunded, invoices: m.invoices })),
        }));
      });
      return c.json({ tenants });
    })
    .get('/api/accounting/invoices', accounting, async (c) => {
      const p = principalOf(c);
      const q = listQuery(INVOICE_STATUSES).parse(c.req.query());
      const result = await withPlatform(db, { action: 'accounting.invoices', actorUserId: p.userId, requestId: c.get('requestId'), details: { tenant: q.tenant ?? null } }, async (tx) => {
        const ids = await served(tx, p.userId, q.tenant);
        const rows = await db.rows<{ id: string; created_at: string; org_id: string; tenant: string; number: string; status: string; currency: string; total: string; amount_paid: string; issued_at: string | null; due_at: string | null; company: string | null }>(
          sql`select i.id, ${iso('i.created_at')} as created_at, i.org_id, o.name as tenant, i.number, i.status, i.currency,
                     i.total::text as total, i.amount_paid::text as amount_paid, ${iso('i.issued_at')} as issued_at, ${iso('i.due_at')} as due_at,
                     c.name as company
                from invoices i join organization o on o.id = i.org_id left join companies c on c.id = i.company_id
               where ${orgIn('i.org_id', ids)}
                 ${q.status ? sql`and i.status = ${q.status}` : sql``}
                 ${q.before ? sql`and (i.created_at, i.id) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : sql``}
               order by i.created_at desc, i.id desc
               limit ${q.limit + 1}`,
          tx,
        );
        return page(rows, q.limit);
      });
      return c.json({ invoices: result.rows.map(({ org_id, ...r }) => ({ ...r, tenantId: org_id })), next: result.next });
    })
    .get('/api/accounting/payments', accounting, async (c) => {
      const p = principalOf(c);
      const q = listQuery(PAYMENT_STATUSES).parse(c.req.query());
      const result = await withPlatform(db, { action: 'accounting.payments', actorUserId: p.userId, requestId: c.get('requestId'), details: { tenant: q.tenant ?? null } }, async (tx) => {
        const ids = await served(tx, p.userId, q.tenant);
        const rows = await db.rows<{ id: string; created_at: string; org_id: string; tenant: string; invoice_number: string | null; amount: string; currency: string; method: string; status: string; received_at: string | null }>(
          sql`select pm.id, ${iso('pm.created_at')} as created_at, pm.org_id, o.name as tenant, i.number as invoice_number,
                     pm.amount::text as amount, pm.currency, pm.method, pm.status, ${iso('pm.received_at')} as received_at
                from payments pm join organization o on o.id = pm.org_id left join invoices i on i.id = pm.invoice_id
               where ${orgIn('pm.org_id', ids)}
                 ${q.status ? sql`and pm.status = ${q.status}` : sql``}
                 ${q.before ? sql`and (pm.created_at, pm.id) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : sql``}
               order by pm.created_at desc, pm.id desc
               limit ${q.limit + 1}`,
          tx,
        );
        return page(rows, q.limit);
      });
      return c.json({ payments: result.rows.map(({ org_id, ...r }) => ({ ...r, tenantId: org_id })), next: result.next });
    });
}
