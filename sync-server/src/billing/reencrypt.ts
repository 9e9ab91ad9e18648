import { sql } from 'drizzle-orm';
import type { SecretBox } from '../crypto/secret-box.ts';
import { withPlatform } from '../db/tenant.ts';
import type { Database } from '../db/types.ts';

/**
 * Re-seals every stored secret (the tenants' Connect account ids) that is not
 * sealed with the current APP_ENCRYPTION_KEY, in one audited platform
 * transaction. Values already under the current key are left alone, so a
 * second run changes nothing. After it, the previous keys may be removed from
 * APP_ENCRYPTION_KEYS_PREVIOUS.
 */
export async function reencryptSecrets(db: Database, box: SecretBox): Promise<{ checked: number; resealed: number }> {
  return withPlatform(db, { action: 'secrets.reencrypt', details: { keyId: box.currentKeyId } }, async (tx) => {
    const rows = await db.rows<{ org_id: string; account_id_enc: string }>(
      sql`select org_id, account_id_enc from tenant_stripe_connect order by org_id for update`,
      tx,
    );
    let resealed = 0;
    for (const r of rows) {
      if (!box.needsRotation(r.account_id_enc)) continue;
      const sealed = box.seal(box.open(r.account_id_enc));
      await db.rows(sql`update tenant_stripe_connect set account_id_enc = ${sealed} where org_id = ${r.org_id}`, tx);
      resealed += 1;
    }
    return { checked: rows.length, resealed };
  });
}
