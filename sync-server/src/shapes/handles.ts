import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { ResolvedShape } from '@streamflow/shapes';
import type { Database } from '../db/types.ts';

/** A stable hash of everything that defines a shape's rows: name, table, columns, WHERE, params. */
export function shapeKeyOf(shape: ResolvedShape): string {
  const material = JSON.stringify([shape.name, shape.table, shape.columns, shape.where, shape.params, shape.dependsOn ?? null]);
  return createHash('sha256').update(material).digest('hex').slice(0, 24);
}

interface HandleInfo {
  orgId: string;
  shapeKey: string;
}

/**
 * Shape handles. A handle names one instance of a resolved shape; it is kept
 * in `sync_shape_handles` so it survives restarts and is shared by every
 * instance. A handle is never reused: each must-refetch mints a fresh random
 * one, which becomes the shape's current handle. An unknown handle (pruned,
 * another database, forged) or one bound to another shape means must-refetch.
 */
export function createHandles(db: Database) {
  const known = new Map<string, HandleInfo>();
  const current = new Map<string, string>();

  async function mint(orgId: string, shapeName: string, shapeKey: string): Promise<string> {
    const handle = `${shapeKey.slice(0, 8)}-${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
    await db.rows(sql`insert into sync_shape_handles (handle, org_id, shape_name, shape_key)
      values (${handle}, ${orgId}, ${shapeName}, ${shapeKey})`);
    known.set(handle, { orgId, shapeKey });
    current.set(shapeKey, handle);
    return handle;
  }

  return {
    mint,
    /** The shape's current handle, made on first use. */
    async currentFor(orgId: string, shapeName: string, shapeKey: string): Promise<string> {
      const cached = current.get(shapeKey);
      if (cached) return cached;
      const rows = await db.rows<{ handle: string }>(sql`select handle from sync_shape_handles
        where shape_key = ${shapeKey} and org_id = ${orgId} order by created_at desc limit 1`);
      const found = rows[0]?.handle;
      if (found) {
        known.set(found, { orgId, shapeKey });
        current.set(shapeKey, found);
        return found;
      }
      return mint(orgId, shapeName, shapeKey);
    },
    /** Whether a client's handle belongs to this tenant's shape instance. */
    async isValid(handle: string, orgId: string, shapeKey: string): Promise<boolean> {
      let info = known.get(handle);
      if (!info) {
        const rows = await db.rows<{ org_id: string; shape_key: string }>(
          sql`select org_id, shape_key from sync_shape_handles where handle = ${handle}`,
        );
        const r = rows[0];
        if (!r) return false;
        info = { orgId: r.org_id, shapeKey: r.shape_key };
        if (known.size > 100_000) known.clear();
        known.set(handle, info);
      }
      return info.orgId === orgId && info.shapeKey === shapeKey;
    },
    /** Forgets cached handles (after retention deleted some). */
    forget(): void {
      known.clear();
      current.clear();
    },
  };
}

export type Handles = ReturnType<typeof createHandles>;
