/**
 * better-auth's error codes, which the auth gateway passes through in the
 * envelope (`auth-gateway.ts`): the app's messages (app/src/ui/messages.ts)
 * give each one words, and tools/error-messages.test.ts checks that none is missing.
 */
export { BASE_ERROR_CODES as BETTER_AUTH_ERROR_CODES } from 'better-auth';
