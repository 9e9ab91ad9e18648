import type { ModuleKey } from '@streamflow/schema';
import { z } from 'zod';
import type { TenantPrincipal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Database, Tx } from '../db/types.ts';

export const MAX_MUTATIONS = 500;

const json = z.record(z.string(), z.unknown());

/**
 * A uuid in its canonical lower-case form. Postgres answers uuids in lower
 * case, and the ledger matches what it answers against what was sent: an
 * upper-case id compared as sent would never be found "fresh", and its
 * mutation would answer `duplicate` without being applied.
 */
const uuid = z.uuid().transform((s) => s.toLowerCase());

/** One mutation as the client sends it (PROTOCOL.md 2). The table is checked per mutation. */
export const mutationSchema = z.object({
  id: uuid,
  table: z.string().min(1).max(64),
  op: z.enum(['insert', 'update', 'delete']),
  pk: z.object({ id: uuid }),
  values: json.default({}),
  base: json.default({}),
  hlc: z.string().max(200).optional(),
});
export type Mutation = z.infer<typeof mutationSchema>;

export const batchSchema = z.object({
  clientId: z.string().max(100).optional(),
  mutations: z.array(mutationSchema).min(1).max(MAX_MUTATIONS),
});
export type Batch = z.infer<typeof batchSchema>;

export interface FieldConflict {
  field: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

export type MutationOutcome =
  | { status: 'applied'; superseded?: true; clamped?: { from: string; to: string } }
  | { status: 'conflict'; code: 'CONFLICT'; row: Record<string, unknown> | null; conflicts: FieldConflict[] }
  | { status: 'rejected'; code: 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID'; message: string; issues?: unknown };

export type MutationResult =
  | ({ id: string } & MutationOutcome)
  | { id: string; status: 'duplicate'; original: MutationOutcome };

export interface WriteResponse {
  txid: string;
  results: MutationResult[];
}

/** What applying one mutation needs. */
export interface ApplyContext {
  db: Database;
  tx: Tx;
  principal: TenantPrincipal;
  clock: Clock;
  maxClockSkewMs: number;
  /** The tenant's allowed work-order transitions: status → next statuses. */
  transitions: Record<string, string[]>;
  /**
   * The plan's modules, read in this transaction; a table of a module that is
   * off refuses writes. Absent only for a speculative early run, which the
   * batch discards when the table turns out not to be entitled.
   */
  modules?: Readonly<Record<ModuleKey, boolean>>;
  /**
   * Last-writer-wins deletes applied earlier in this batch (`table/id` →
   * stamp): their ledger outcomes are written only when the batch finishes.
   */
  tombstones: Map<string, string>;
}
