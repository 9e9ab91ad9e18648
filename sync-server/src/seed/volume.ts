import { eq } from 'drizzle-orm';
import { organization } from '@streamflow/schema';
import type { Database } from '../db/types.ts';
import { COMPANY_KINDS, COMPANY_WORDS, FIRST_NAMES, LAST_NAMES, createRandom } from './random.ts';

const LEAD_COLUMNS = [
  'id', 'org_id', 'name', 'company_name', 'email', 'phone', 'source', 'status', 'score', 'value',
] as const;
const CHUNK = 20_000;
const STATUSES = ['new', 'contacted', 'qualified', 'unqualified'] as const;
const SOURCES = ['website', 'referral', 'phone', 'google_ads', 'trade_show', 'import'] as const;

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Adds `count` leads to the tenant with slug `slug` by `COPY`, in chunks,
 * reporting progress after each. For benchmarks and load tests.
 */
export async function addVolumeLeads(
  db: Database,
  slug: string,
  count: number,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<{ orgId: string; inserted: number }> {
  const [org] = await db.orm.select({ id: organization.id }).from(organization).where(eq(organization.slug, slug));
  if (!org) throw new Error(`No tenant with slug "${slug}". Start the app once to seed the demo tenants.`);
  const rnd = createRandom(count ^ 0x5eed);
  let done = 0;
  while (done < count) {
    const n = Math.min(CHUNK, count - done);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const first = rnd.pick(FIRST_NAMES);
      const last = rnd.pick(LAST_NAMES);
      const seq = done + i;
      lines.push(
        [
          rnd.uuid(),
          org.id,
          `${first} ${last}`,
          `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_KINDS)}`,
          `${first}.${last}.${seq}@bulk.example`.toLowerCase(),
          `+1 555 ${String(rnd.int(1_000_000, 9_999_999))}`,
          rnd.pick(SOURCES),
          rnd.pick(STATUSES),
          rnd.int(0, 100),
          (rnd.int(100, 50_000) / 1).toFixed(2),
        ]
          .map(csvField)
          .join(','),
      );
    }
    await db.copyCsv('leads', LEAD_COLUMNS, `${lines.join('\n')}\n`);
    done += n;
    onProgress(done, count);
  }
  return { orgId: org.id, inserted: done };
}
