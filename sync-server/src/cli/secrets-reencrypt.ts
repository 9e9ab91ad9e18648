import { AppError } from '../errors.ts';
import { requireSecretBox } from '../billing/deps.ts';
import { reencryptSecrets } from '../billing/reencrypt.ts';
import { EnvError, parseEnv } from '../env.ts';
import { createLogger } from '../logger.ts';
import { resolveDataDir } from '../paths.ts';
import { prepareDatabase } from '../start.ts';

/**
 * `npm run secrets:reencrypt`: re-seals every stored secret with
 * APP_ENCRYPTION_KEY, opening old values with APP_ENCRYPTION_KEYS_PREVIOUS.
 * Prints counts only, never a value.
 */
try {
  const env = parseEnv(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const box = requireSecretBox(env);
  const { db } = await prepareDatabase(env, resolveDataDir(env.DATA_DIR, process.env.INIT_CWD), logger, { seed: false });
  try {
    const r = await reencryptSecrets(db, box);
    process.stdout.write(`Re-sealed ${r.resealed} of ${r.checked} stored secrets with key ${box.currentKeyId}.\n`);
  } finally {
    await db.close();
  }
} catch (err) {
  // An operator runs this: an AppError's operator-only details (e.g. the missing variable) are printed too.
  const message = err instanceof EnvError || err instanceof Error ? err.message : String(err);
  const forOperator = err instanceof AppError && err.logDetails ? ` ${JSON.stringify(err.logDetails)}` : '';
  process.stderr.write(`${message}${forOperator}\n`);
  process.exit(1);
}
