import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { createAuth } from './auth/better-auth.ts';
import { fileMailer, logMailer, smtpMailer } from './mailer/mailer.ts';
import { systemClock } from './clock.ts';
import { DataDirLockedError } from './db/lock.ts';
import { EnvError, parseEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { APP_DIST_DIR, resolveDataDir } from './paths.ts';
import { formatLogins } from './seed/demo.ts';
import { prepareDatabase } from './start.ts';
import { startDailyPrune } from './write/prune.ts';
import { startJobWorker } from './jobs/start.ts';
import { createStripe } from './billing/stripe-client.ts';
import { shapeEngineFor } from './shapes/route.ts';
import { startRetention } from './shapes/retention.ts';

/** The entry: the only file (with the CLIs) that reads the environment and listens. */
async function main() {
  const env = parseEnv(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const dataDir = resolveDataDir(env.DATA_DIR, process.env.INIT_CWD);
  const { db, seeded } = await prepareDatabase(env, dataDir, logger, { seed: true });
  const mailer = env.SMTP_URL
    ? smtpMailer(env.SMTP_URL, env.MAIL_FROM)
    : env.MAIL_OUTBOX_FILE
      ? fileMailer(env.MAIL_OUTBOX_FILE)
      : logMailer(logger.child({ component: 'mailer' }), {
          includeBody: env.NODE_ENV !== 'production',
        });
  const auth = createAuth({ db, env, logger, mailer });
  const shapes = shapeEngineFor({ db, env, logger });
  await shapes.start();
  const stripeProvider = createStripe(env);
  const app = createApp({
    shapes,
    stripeProvider,
    db,
    env,
    clock: systemClock,
    logger,
    auth,
    mailer,
    appDistDir: APP_DIST_DIR,
  });

  const jobs = startJobWorker({ db, env, clock: systemClock, logger, mailer, stripeProvider });
  const stopPrune = startDailyPrune({
    db,
    clock: systemClock,
    logger,
    hours: env.IDEMPOTENCY_RETENTION_HOURS,
  });
  const stopRetention = startRetention(db, shapes, logger.child({ component: 'shapes' }), {
    retentionDays: env.SHAPE_LOG_RETENTION_DAYS,
    intervalMs: env.SHAPE_RETENTION_INTERVAL_MS,
  });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
    const url = `http://localhost:${info.port}`;
    logger.info('listening', {
      port: info.port,
      db: db.kind,
      dataDir: db.kind === 'pglite' ? dataDir : undefined,
    });
    if (seeded) process.stdout.write(`\n${formatLogins(seeded, url)}\n\n`);
    else process.stdout.write(`\nStreamFlow is running at ${url}\n\n`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    stopPrune();
    stopRetention();
    server.close();
    Promise.all([jobs.stop(), shapes.close()])
      .then(() => db.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error('close failed', { err });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof EnvError || err instanceof DataDirLockedError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `StreamFlow failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
