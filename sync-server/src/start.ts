import type { Database } from './db/types.ts';
import { openDatabase } from './db/open.ts';
import { migrate } from './db/migrate.ts';
import { shouldSeedDemo, type Env } from './env.ts';
import type { Logger } from './logger.ts';
import { loadTemplates } from './provisioning/template-loader.ts';
import { seedDemo, type SeedResult } from './seed/demo.ts';

/**
 * Opens, migrates and (where allowed) seeds the database for this
 * configuration. Used by the server entry and the CLIs.
 */
export async function prepareDatabase(
  env: Env,
  dataDir: string,
  logger: Logger,
  opts: { seed: boolean },
): Promise<{ db: Database; seeded: SeedResult | null }> {
  // Industry templates are validated before anything else: a broken one stops start-up.
  const templates = loadTemplates();
  logger.info('industry templates loaded', { templates: [...templates.keys()] });
  const db = await openDatabase(env, dataDir);
  try {
    await migrate(db);
    logger.info('migrations applied', { db: db.kind });
    let seeded: SeedResult | null = null;
    if (opts.seed && shouldSeedDemo(env, db.kind)) {
      seeded = await seedDemo(db);
      if (seeded.created.length > 0) logger.info('demo tenants seeded', { tenants: seeded.created });
    }
    return { db, seeded };
  } catch (err) {
    await db.close();
    throw err;
  }
}
