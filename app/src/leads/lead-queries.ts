import type { PGliteInterface } from '@electric-sql/pglite';
import type { LEAD_STATUSES } from '@streamflow/schema';
import { overlayCountSql, overlaySelectSql, overlayWindowSql, type OrderKey, type OverlaySource } from '../local-db/overlay-query.ts';

/*
 * The leads page's SQL: the list window, its count, one lead, and the dedupe
 * probe, all over the local `leads` view's rows (see overlay-query.ts for
 * why they do not read the view itself).
 */

export type LeadStatus = (typeof LEAD_STATUSES)[number];
export type Sync = 'pending' | 'conflict' | 'rejected' | null;

/** The sync state a record's badge shows ("applied" is acknowledged by the server: nothing left to show). */
export const badgeOf = (localState: string | null): Sync => (localState === 'pending' || localState === 'conflict' || localState === 'rejected' ? localState : null);

/** A lead as the list shows it. */
export interface LeadListRow {
  id: string;
  name: string;
  company_name: string | null;
  email: string | null;
  phone: string | null;
  status: LeadStatus;
  assignee_id: string | null;
  local_state: string | null;
}

/** A lead with every field the detail page edits. */
export interface LeadRecord extends LeadListRow {
  source: string | null;
  score: number;
  value: string | null;
  notes: string | null;
  converted_opportunity_id: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

const LIST: OverlaySource = {
  table: 'leads',
  columns: ['id', 'name', 'company_name', 'email', 'phone', 'status', 'assignee_id', 'created_at'],
  pendingCreatedAt: true,
};
const RECORD: OverlaySource = {
  table: 'leads',
  columns: [...LIST.columns, 'source', 'score', 'value', 'notes', 'converted_opportunity_id', 'updated_at'],
};

export const LEAD_SORTS = {
  newest: { label: 'Newest first', order: [{ column: 'created_at', desc: true }, { column: 'id', desc: true }] },
  oldest: { label: 'Oldest first', order: [{ column: 'created_at' }, { column: 'id' }] },
  name: { label: 'Name A–Z', order: [{ column: 'name' }, { column: 'id' }] },
  name_desc: { label: 'Name Z–A', order: [{ column: 'name', desc: true }, { column: 'id', desc: true }] },
} as const satisfies Record<string, { label: string; order: readonly OrderKey[] }>;
export type LeadSort = keyof typeof LEAD_SORTS;

export interface LeadFilters {
  search: string;
  status: LeadStatus | '';
  /** '' anyone, 'mine', 'none' (unassigned), or a member's user id. */
  assignee: string;
  sort: LeadSort;
}

export const NO_FILTERS: LeadFilters = { search: '', status: '', assignee: '', sort: 'newest' };

/** A phone number reduced to its digits, the form dedupe compares. */
export const phoneDigits = (phone: string | null | undefined) => (phone ?? '').replace(/\D/g, '');
const PHONE_DIGITS_SQL = (col: string) => `regexp_replace(${col}, '[^0-9]', '', 'g')`;

/** The WHERE (over alias `b`) and its parameters for a set of filters. */
export function leadWhere(f: LeadFilters, meId: string): { where: string | undefined; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  const param = (v: string) => {
    params.push(v);
    return `$${params.length}`;
  };
  const term = f.search.trim().toLowerCase();
  if (term) {
    const t = param(term);
    const ors = ['name', 'email', 'company_name', 'phone'].map((c) => `strpos(lower(b.${c}), ${t}) > 0`);
    const digits = phoneDigits(term);
    if (digits.length >= 3) ors.push(`strpos(${PHONE_DIGITS_SQL('b.phone')}, ${param(digits)}) > 0`);
    parts.push(`(${ors.join(' OR ')})`);
  }
  if (f.status) parts.push(`b.status = ${param(f.status)}`);
  if (f.assignee === 'none') parts.push('b.assignee_id IS NULL');
  else if (f.assignee) parts.push(`b.assignee_id = ${param(f.assignee === 'mine' ? meId : f.assignee)}`);
  return { where: parts.length ? parts.join(' AND ') : undefined, params };
}

/** The list window `offset .. offset+limit` for the filters. */
export function leadWindowQuery(f: LeadFilters, meId: string, offset: number, limit: number): { sql: string; params: string[] } {
  const { where, params } = leadWhere(f, meId);
  return { sql: overlayWindowSql(LIST, { where, order: LEAD_SORTS[f.sort].order, offset, limit }), params };
}

/** How many leads match the filters. */
export function leadCountQuery(f: LeadFilters, meId: string): { sql: string; params: string[] } {
  const { where, params } = leadWhere(f, meId);
  return { sql: overlayCountSql(LIST, where), params };
}

/** One lead with all its fields (an empty result when it does not exist locally). */
export const leadByIdQuery = (id: string) => ({ sql: overlaySelectSql(RECORD, 'b.id = $1', 1), params: [id] });

export interface Duplicate {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  /** Which of the probed values matched. */
  on: 'email' | 'phone';
}

/** The dedupe probe's SQL, or null when there is nothing to compare (see findDuplicateLeads). */
export function duplicateLeadsQuery(probe: { email?: string | null; phone?: string | null; excludeId?: string | null }): { sql: string; params: (string | null)[]; email: string | null } | null {
  const email = probe.email?.trim().toLowerCase() || null;
  const digits = phoneDigits(probe.phone);
  const phone = digits.length >= 5 ? digits : null;
  if (!email && !phone) return null;
  const where = `(lower(b.email) = $1 OR ${PHONE_DIGITS_SQL('b.phone')} = $2) AND b.id IS DISTINCT FROM $3::uuid`;
  const sql = `SELECT id, name, email, phone FROM (${overlaySelectSql({ table: 'leads', columns: ['id', 'name', 'email', 'phone'] }, where, 5)}) d`;
  return { sql, params: [email, phone, probe.excludeId ?? null], email };
}

/**
 * Other leads with the same email (case-insensitive) or phone (same digits,
 * at least five of them) as the ones given, through both indexes.
 */
export async function findDuplicateLeads(
  pg: Pick<PGliteInterface, 'query'>,
  probe: { email?: string | null; phone?: string | null; excludeId?: string | null },
): Promise<Duplicate[]> {
  const q = duplicateLeadsQuery(probe);
  if (!q) return [];
  const res = await pg.query<Omit<Duplicate, 'on'>>(q.sql, q.params);
  return res.rows.map((r) => ({ ...r, on: q.email && r.email?.toLowerCase() === q.email ? 'email' : 'phone' }));
}
