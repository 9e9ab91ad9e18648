import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createStaff } from '../auth/staff.ts';
import { parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { resolveDataDir } from '../paths.ts';
import { prepareDatabase } from '../start.ts';

/**
 * `npm run staff:create -- --email a@b.c --space provider [--name "A B"] [--tenant acme]`
 * Creates a platform staff account and prints a one-time password (or uses
 * STAFF_PASSWORD from the environment). Stop the server first on the embedded database.
 */
const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    space: { type: 'string' },
    name: { type: 'string' },
    tenant: { type: 'string', multiple: true },
  },
});
const spaces = ['provider', 'dev', 'accounting'] as const;
const space = spaces.find((s) => s === values.space);
if (!values.email || !space) {
  process.stderr.write('usage: npm run staff:create -- --email <email> --space provider|dev|accounting [--name <name>] [--tenant <slug> ...]\n');
  process.exit(2);
}
const env = parseEnv(process.env);
const password = process.env.STAFF_PASSWORD ?? randomBytes(12).toString('base64url');
const { db } = await prepareDatabase(env, resolveDataDir(env.DATA_DIR, process.env.INIT_CWD), createLogger({ level: 'warn' }), { seed: false });
try {
  const r = await createStaff(db, { email: values.email, name: values.name ?? values.email, space, password, tenants: values.tenant });
  process.stdout.write(
    r.created
      ? `Created ${space} staff ${values.email}. ${process.env.STAFF_PASSWORD ? 'Password: as given in STAFF_PASSWORD' : `One-time password: ${password}`}\n`
      : `${values.email} is now ${space} staff (existing password kept).\n`,
  );
} finally {
  await db.close();
}
