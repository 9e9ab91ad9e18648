import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { bearer, organization as organizationPlugin } from 'better-auth/plugins';
import { account, invitation, member, organization, session, user, verification } from '@streamflow/schema';
import type { Database } from '../db/types.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mailer/mailer.ts';
import { pickActiveTenant } from './tenancy.ts';

export interface AuthDeps {
  db: Database;
  env: Env;
  logger: Logger;
  mailer: Mailer;
}

/**
 * better-auth, mounted at /api/auth: email + password, password reset
 * through our mailer, the organization plugin (organization = tenant, the
 * session carries the active tenant) and bearer tokens for non-browser
 * clients. Sessions are cookies: httpOnly, sameSite=lax, secure in production.
 */
export function createAuth(deps: AuthDeps) {
  const { db, env, logger, mailer } = deps;
  const log = logger.child({ component: 'auth' });
  return betterAuth({
    appName: 'StreamFlow',
    baseURL: env.PUBLIC_URL,
    basePath: '/api/auth',
    secret: env.BETTER_AUTH_SECRET,
    database: drizzleAdapter(db.orm, {
      provider: 'pg',
      schema: { user, session, account, verification, organization, member, invitation },
    }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user: u, url }) => {
        await mailer.send({
          to: u.email,
          subject: 'Reset your StreamFlow password',
          text: `Hello ${u.name},\n\nSomeone asked to reset your StreamFlow password. If it was you, open this link within an hour:\n\n${url}\n\nIf not, ignore this email.`,
        });
      },
    },
    trustedOrigins: [env.PUBLIC_URL, ...env.TRUSTED_ORIGINS],
    advanced: {
      useSecureCookies: env.NODE_ENV === 'production',
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    // StreamFlow's own token buckets guard /api/auth (see rate-limit/).
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: {
      log: (level, message, ...args) => {
        const fields = { component: 'better-auth', args: args.length ? args : undefined };
        if (level === 'error') log.error(message, fields);
        else if (level === 'warn') log.warn(message, fields);
        else log.debug(message, fields);
      },
    },
    plugins: [organizationPlugin({ allowUserToCreateOrganization: false }), bearer()],
    databaseHooks: {
      session: {
        create: {
          // On sign-in the active tenant is the user's last or only one.
          before: async (s) => ({ data: { ...s, activeOrganizationId: await pickActiveTenant(db, s.userId) } }),
        },
      },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
