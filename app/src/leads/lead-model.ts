import type { PGliteInterface } from '@electric-sql/pglite';
import { WRITABLE_TABLES } from '@streamflow/schema';

/*
 * A lead's editable fields, their validation with the shared validators of
 * @streamflow/schema (the ones the write API applies), and the local writes.
 * Writes go through the `leads` view: its triggers keep the change locally
 * and queue it for upload, so they work offline.
 */

/** Editable columns, in form order, with their validator key (drizzle property name). */
export const LEAD_FIELDS = {
  name: 'name',
  company_name: 'companyName',
  email: 'email',
  phone: 'phone',
  source: 'source',
  status: 'status',
  score: 'score',
  value: 'value',
  assignee_id: 'assigneeId',
  notes: 'notes',
} as const;
export type LeadField = keyof typeof LEAD_FIELDS;
/** What a form holds: every field as text. */
export type LeadDraft = Partial<Record<LeadField, string>>;
export type FieldErrors = Partial<Record<LeadField, string>>;

const FRIENDLY: Partial<Record<LeadField, string>> = {
  name: 'A lead needs a name (at most 300 characters).',
  email: 'Enter an email address like name@example.com.',
  phone: 'Enter a phone number of 3 to 40 characters.',
  value: 'Enter an amount like 1234.50.',
  score: 'Enter a whole number from 0 to 100.',
};

/** A form's text turned into column values: blanks become NULL, the score a number. */
export function draftToValues(draft: LeadDraft): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [field, raw] of Object.entries(draft) as [LeadField, string | undefined][]) {
    if (raw === undefined) continue;
    const text = raw.trim();
    if (field === 'score') out[field] = text === '' ? 0 : /^-?\d+$/.test(text) ? Number(text) : text;
    else if (field === 'name' || field === 'status') out[field] = text;
    else out[field] = text === '' ? null : text;
  }
  return out;
}

/**
 * Validates a new lead (`insert`) or changed fields (`update`) with the
 * write API's own validator. Returns the column values or an error per field.
 */
export function validateLead(draft: LeadDraft, mode: 'insert' | 'update'): { ok: true; values: Record<string, string | number | null> } | { ok: false; errors: FieldErrors } {
  const values = draftToValues(draft);
  const input = Object.fromEntries(Object.entries(values).map(([k, v]) => [LEAD_FIELDS[k as LeadField], v]));
  const res = WRITABLE_TABLES.leads[mode].safeParse(input);
  if (res.success) return { ok: true, values };
  const byKey = new Map<string, LeadField>(Object.entries(LEAD_FIELDS).map(([col, key]) => [key, col as LeadField]));
  const errors: FieldErrors = {};
  for (const issue of res.error.issues) {
    const field = byKey.get(String(issue.path[0]));
    if (field && !errors[field]) errors[field] = FRIENDLY[field] ?? issue.message;
  }
  return { ok: false, errors };
}

const isField = (k: string): k is LeadField => Object.hasOwn(LEAD_FIELDS, k);

/** Creates a lead locally (queued for upload); returns its id. */
export async function createLead(pg: Pick<PGliteInterface, 'query'>, values: Record<string, string | number | null>): Promise<string> {
  const row: Record<string, string | number | null> = { status: 'new', score: 0, ...values };
  const cols = Object.keys(row).filter(isField);
  const res = await pg.query<{ id: string }>(
    `INSERT INTO leads (${cols.join(', ')}, custom) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}, '{}') RETURNING id`,
    cols.map((c) => row[c]),
  );
  const id = res.rows[0]?.id;
  if (!id) throw new Error('the local database did not return the new lead');
  return id;
}

/** Writes only the given fields of a lead locally (queued for upload with their base). */
export async function updateLead(pg: Pick<PGliteInterface, 'query'>, id: string, values: Record<string, string | number | null>): Promise<void> {
  const cols = Object.keys(values).filter(isField);
  if (cols.length === 0) return;
  await pg.query(`UPDATE leads SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`, [id, ...cols.map((c) => values[c])]);
}
