import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import { WRITABLE_TABLES } from '@streamflow/schema';
import { overlaySelectSql } from '../local-db/overlay-query.ts';
import { leadByIdQuery, type LeadRecord } from './lead-queries.ts';

/*
 * Converting a lead: an opportunity (and, if asked, a company and a contact)
 * made from it, and the lead marked converted, in one local transaction
 * through the views, so it works offline and uploads in that order.
 */

export interface ConvertOptions {
  opportunityName: string;
  stage: string;
  /** Link the opportunity to a company named like the lead's company (an existing one if there is). */
  withCompany: boolean;
  /** Make a contact from the lead's name, email and phone. */
  withContact: boolean;
}

export interface ConvertResult {
  opportunityId: string;
  companyId: string | null;
  /** False when an existing company of that name was linked instead. */
  companyCreated: boolean;
  contactId: string | null;
}

export class ConvertError extends Error {}

export interface StageOption {
  key: string;
  label: string;
}

/**
 * The stages a conversion may start in, the default first: the tenant's
 * template pipeline (`me.pipeline`, kept for offline starts) without its
 * won/lost stages; without one, the stages local opportunities use.
 */
export function stageOptions(pipeline: readonly { key: string; label: string; outcome?: string }[] | null, known: readonly string[]): StageOption[] {
  const open = (pipeline ?? []).filter((s) => !s.outcome);
  if (open.length > 0) return open.map((s) => ({ key: s.key, label: s.label }));
  return known.map((k) => ({ key: k, label: k.replace(/_/g, ' ') }));
}

/**
 * The stages local opportunities use, first stage first (when the template
 * is not known): open stages before those only closed opportunities reach,
 * then by their lowest probability.
 */
export async function knownStages(pg: Pick<PGliteInterface, 'query'>): Promise<string[]> {
  const res = await pg.query<{ stage: string }>(
    `SELECT stage FROM opportunities GROUP BY stage ORDER BY bool_and(closed_at IS NOT NULL), min(probability), stage LIMIT 50`,
  );
  return res.rows.map((r) => r.stage);
}

/** Splits a person's name into first and last name for a contact. */
export function splitName(name: string): { first: string; last: string } {
  const parts = name.trim().split(/\s+/);
  const first = parts.shift() ?? '';
  return { first, last: parts.join(' ') };
}

const LABEL = { companies: 'company', contacts: 'contact', opportunities: 'opportunity' } as const;

/** The write API's own validation, before anything is written. */
function check(table: keyof typeof LABEL, values: Record<string, unknown>): void {
  const res = WRITABLE_TABLES[table].insert.safeParse(values);
  if (!res.success) throw new ConvertError(`The ${LABEL[table]} would be invalid: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

async function insertReturningId(tx: Transaction, sql: string, params: unknown[]): Promise<string> {
  const id = (await tx.query<{ id: string }>(sql, params)).rows[0]?.id;
  if (!id) throw new Error('the local database did not return the new row');
  return id;
}

/** Converts the lead `leadId` (see the file comment). Throws ConvertError when it cannot. */
export async function convertLead(pg: Pick<PGliteInterface, 'transaction'>, leadId: string, meId: string, opts: ConvertOptions): Promise<ConvertResult> {
  return pg.transaction(async (tx) => {
    const q = leadByIdQuery(leadId);
    const lead = (await tx.query<LeadRecord>(q.sql, q.params)).rows[0];
    if (!lead) throw new ConvertError('This lead is not in the local database.');
    if (lead.converted_opportunity_id || lead.status === 'converted') throw new ConvertError('This lead is already converted.');
    const stage = opts.stage.trim();
    if (!stage) throw new ConvertError('Choose a pipeline stage.');
    const name = opts.opportunityName.trim() || lead.company_name || lead.name;
    const ownerId = lead.assignee_id ?? meId;

    let companyId: string | null = null;
    let companyCreated = false;
    const companyName = lead.company_name?.trim();
    if (opts.withCompany && companyName) {
      const existing = await tx.query<{ id: string }>(
        overlaySelectSql({ table: 'companies', columns: ['id', 'name'] }, 'lower(b.name) = lower($1)', 1),
        [companyName],
      );
      companyId = existing.rows[0]?.id ?? null;
      if (!companyId) {
        check('companies', { name: companyName, ownerId, custom: {} });
        companyId = await insertReturningId(tx, `INSERT INTO companies (name, owner_id, custom) VALUES ($1, $2, '{}') RETURNING id`, [companyName, ownerId]);
        companyCreated = true;
      }
    }

    let contactId: string | null = null;
    if (opts.withContact) {
      const { first, last } = splitName(lead.name);
      check('contacts', { firstName: first, lastName: last, email: lead.email, phone: lead.phone, companyId, ownerId, custom: {} });
      contactId = await insertReturningId(
        tx,
        `INSERT INTO contacts (first_name, last_name, email, phone, company_id, owner_id, custom) VALUES ($1, $2, $3, $4, $5, $6, '{}') RETURNING id`,
        [first, last, lead.email, lead.phone, companyId, ownerId],
      );
    }

    const opportunity = { name, stage, amount: lead.value, currency: 'USD', probability: 0, companyId, contactId, leadId, ownerId };
    check('opportunities', opportunity);
    const opportunityId = await insertReturningId(
      tx,
      `INSERT INTO opportunities (name, stage, amount, currency, probability, company_id, contact_id, lead_id, owner_id)
       VALUES ($1, $2, $3, 'USD', 0, $4, $5, $6, $7) RETURNING id`,
      [name, stage, lead.value, companyId, contactId, leadId, ownerId],
    );
    await tx.query(`UPDATE leads SET status = 'converted', converted_opportunity_id = $2 WHERE id = $1`, [leadId, opportunityId]);
    return { opportunityId, companyId, companyCreated, contactId };
  });
}
