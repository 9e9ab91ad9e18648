import { EnvError, parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { resolveDataDir } from '../paths.ts';
import { prepareDatabase } from '../start.ts';

/** `npm run db:migrate`: applies migrations to DATABASE_URL or the embedded DATA_DIR, then exits. */
try {
  const env = parseEnv(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const { db } = await prepareDatabase(env, resolveDataDir(env.DATA_DIR, process.env.INIT_CWD), logger, { seed: false });
  await db.close();
} catch (err) {
  process.stderr.write(`${err instanceof EnvError ? err.message : String(err)}\n`);
  process.exit(1);
}
