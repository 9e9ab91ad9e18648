import { parseArgs } from 'node:util';
import { parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { resolveDataDir } from '../paths.ts';
import { formatLogins, seedDemo } from '../seed/demo.ts';
import { addVolumeLeads } from '../seed/volume.ts';
import { prepareDatabase } from '../start.ts';

/**
 * `npm run seed`: seeds the demo tenants (idempotent), and with
 * `-- --tenant acme --leads 100000` adds bulk leads by COPY for benchmarks.
 * The server must not be running on the same embedded data folder.
 */
const { values } = parseArgs({
  options: { tenant: { type: 'string', default: 'acme' }, leads: { type: 'string' } },
});

const env = parseEnv(process.env);
if (env.NODE_ENV === 'production') {
  process.stderr.write('Refusing to seed demo data with NODE_ENV=production.\n');
  process.exit(1);
}
const logger = createLogger({ level: env.LOG_LEVEL });
const { db } = await prepareDatabase(env, resolveDataDir(env.DATA_DIR, process.env.INIT_CWD), logger, { seed: false });
try {
  const result = await seedDemo(db);
  process.stdout.write(`${result.created.length ? `Seeded: ${result.created.join(', ')}` : 'Demo tenants already present.'}\n`);
  if (values.leads) {
    const count = Number.parseInt(values.leads, 10);
    if (!Number.isInteger(count) || count <= 0) throw new Error('--leads takes a positive whole number');
    const started = performance.now();
    await addVolumeLeads(db, values.tenant, count, (done, total) => {
      process.stdout.write(`\r  leads: ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`);
    });
    const secs = (performance.now() - started) / 1000;
    process.stdout.write(`\n  ${count.toLocaleString('en')} leads added to ${values.tenant} in ${secs.toFixed(1)} s\n`);
  } else {
    process.stdout.write(`${formatLogins(result, env.PUBLIC_URL)}\n`);
  }
} finally {
  await db.close();
}
