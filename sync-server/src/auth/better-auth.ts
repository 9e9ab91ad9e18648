import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError } from 'better-auth/api';
import { bearer, organization as organizationPlugin } from 'better-auth/plugins';
import { sql } from 'drizzle-orm';
import { account, invitation, isSafeImageUrl, member, organization, personName, session, user, verification } from '@streamflow/schema';
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

/** Refuses a user row whose name or picture a user could not have typed in the app (any better-auth path). */
function checkProfile(u: { name?: unknown; image?: unknown }): void {
  if (u.name !== undefined && !personName.safeParse(u.name).success) {
    throw new APIError('BAD_REQUEST', { code: 'INVALID_NAME', message: 'A name is 1 to 100 characters on one line.' });
  }
  if (u.image !== undefined && u.image !== null && (typeof u.image !== 'string' || !isSafeImageUrl(u.image))) {
    throw new APIError('BAD_REQUEST', { code: 'INVALID_IMAGE', message: 'A picture is an https URL or an inline image.' });
  }
}

/**
 * better-auth, mounted at /api/auth (only the endpoints of auth-gateway.ts
 * answer): email + password with a verified email, password reset through our
 * mailer, the organization plugin (organization = tenant, the session carries
 * the active tenant) and signed bearer tokens for non-browser clients.
 * Sessions are cookies: httpOnly, sameSite=lax, secure in production.
 * Emails are plain text and carry no user-chosen text (names could hold links).
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
      // An account signs in only once its email is proven (sign-up, invitation squatting).
      requireEmailVerification: true,
      revokeSessionsOnPasswordReset: true,
      sendResetPassword: async ({ user: u, url }) => {
        await mailer.send({
          to: u.email,
          subject: 'Reset your StreamFlow password',
          text: `Hello,\n\nSomeone asked to reset your StreamFlow password. If it was you, open this link within an hour:\n\n${url}\n\nIf not, ignore this email.`,
        });
      },
      // The reset (or set-password) link was opened from the inbox: the address is proven.
      onPasswordReset: async ({ user: u }) => {
        await db.rows(sql`update "user" set email_verified = true where id = ${u.id} and not email_verified`);
      },
    },
    emailVerification: {
      // An unverified account that signs in gets a fresh link (and a 403 EMAIL_NOT_VERIFIED).
      sendOnSignIn: true,
      sendOnSignUp: false,
      autoSignInAfterVerification: true,
      expiresIn: 24 * 3600,
      sendVerificationEmail: async ({ user: u, url }) => {
        await mailer.send({
          to: u.email,
          subject: 'Confirm your email for StreamFlow',
          text: `Hello,\n\nOpen this link within a day to confirm this email address and sign in to StreamFlow:\n\n${url}\n\nIf you did not try to sign in, ignore this email.`,
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
    plugins: [
      organizationPlugin({ allowUserToCreateOrganization: false, requireEmailVerificationOnInvitation: true }),
      // Only the signed token (the cookie's value, sent as set-auth-token) is a bearer token:
      // the bare token stored in session.token is useless without BETTER_AUTH_SECRET (ADR 012).
      bearer({ requireSignature: true }),
    ],
    databaseHooks: {
      user: {
        create: {
          before: async (u) => {
            checkProfile(u);
            return { data: u };
          },
        },
        update: {
          before: async (u) => {
            checkProfile(u);
            return { data: u };
          },
        },
      },
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
