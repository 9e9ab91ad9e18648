import { ApiError } from '../api-error.ts';

/*
 * Every error a user can meet, in words (issue 13 item 5): what happened and
 * what to do next. Server codes (PROTOCOL.md section 3), per-mutation write
 * results, better-auth's codes and zod issues all land here; the code, the
 * status and the server's own message are kept for a "Details" disclosure
 * and never shown as the sentence. All user-facing error strings live in this
 * file, ready for translation.
 */

export interface Explained {
  /** What happened, as a user would say it. */
  sentence: string;
  /** What to do next (empty when there is nothing to do). */
  action: string;
}

/** What a user reads for a failed request, plus the technical part for "Details". */
export interface UserError extends Explained {
  code: string;
  status: number | null;
  /** The server's own message or the thrown error's text: for the "Details" disclosure only. */
  detail: string;
}

const e = (sentence: string, action = ''): Explained => ({ sentence, action });

const TRY_LATER = 'Try again in a moment.';
const RELOAD = 'Reload the page to see the latest.';
const ASK_OWNER = 'Ask the owner of the workspace if you need it.';
const NOT_SAVED_INTERNAL = e('StreamFlow could not finish that.', TRY_LATER);
const SIGN_IN_PROBLEM = e('Signing in could not be completed.', 'Start again from the sign-in page.');

/** Codes shared by every route and the write API's own (sync-server `CommonErrors`, `WriteErrors`, `BodyErrors`). */
const COMMON: Record<string, Explained> = {
  BAD_REQUEST: e('The request was not understood.', RELOAD),
  NOT_FOUND: e('That record no longer exists, or you cannot see it.', RELOAD),
  UNAUTHENTICATED: e('You are signed out.', 'Sign in again to continue.'),
  FORBIDDEN: e('Your role does not have permission to do this.', ASK_OWNER),
  VALIDATION_FAILED: e('Some of the details are not valid.', 'Check the highlighted fields and try again.'),
  PAYLOAD_TOO_LARGE: e('That is too large to send.', 'Send less at once, or a smaller file.'),
  INVALID_JSON: e('The app sent something the server could not read.', RELOAD),
  UNSUPPORTED_MEDIA_TYPE: e('The app sent something the server could not read.', RELOAD),
  RATE_LIMITED: e('Too many attempts in a short time.', 'Wait a minute and try again.'),
  NOT_READY: e('StreamFlow is starting up.', TRY_LATER),
  INTERNAL: NOT_SAVED_INTERNAL,
  CROSS_ORIGIN_REQUEST: e('This request did not come from the StreamFlow app.', 'Open StreamFlow from its own address and try again.'),
  HTTP_ERROR: e('StreamFlow answered with an error.', TRY_LATER),
  NETWORK: e('StreamFlow could not be reached.', 'Check your connection and try again. Changes made offline are kept on this device.'),
  // Write API (POST /v1/write) and its per-mutation results.
  IDEMPOTENCY_KEY_REQUIRED: e('A change could not be sent.', 'It is sent again automatically; reload the page if it stays.'),
  IDEMPOTENCY_KEY_REUSED: e('A change was sent twice with different contents.', 'It is sent again automatically; reload the page if it stays.'),
  INVALID_BATCH: e('Changes from this device could not be read by the server.', RELOAD),
  BATCH_TOO_LARGE: e('Too many changes to send at once.', 'They are sent in smaller groups automatically.'),
  CONFLICT: e('Someone changed this record on the server after you.', 'Choose, field by field, which value to keep.'),
  INVALID: e('Some values were not accepted.', 'Correct them and save again, or discard your change.'),
};

/** Sign-in, sessions and space guards (sync-server `AuthErrors`, `SessionErrors`), and better-auth's own codes. */
const AUTH: Record<string, Explained> = {
  WRONG_SPACE: e('This page belongs to another part of StreamFlow.', 'Go back to your own start page.'),
  NO_TENANT: e('You are not a member of a workspace yet.', 'Ask the owner for an invitation, or create a workspace.'),
  SESSION_NOT_FOUND: e('That session has already ended.', RELOAD),
  MEMBER_NOT_FOUND: e('That member is no longer in the team.', 'The page is up to date again.'),
  OWNER_SESSIONS: e('Only the owner can end other members’ sessions.', ''),
  INVALID_EMAIL_OR_PASSWORD: e('That email and password do not match an account.', 'Check both, or reset your password.'),
  INVALID_PASSWORD: e('That password is not right.', 'Check it, or reset your password.'),
  INVALID_EMAIL: e('That is not an email address.', 'Enter one like name@example.com.'),
  USER_NOT_FOUND: e('No account uses that email address.', 'Check it, or sign up.'),
  USER_EMAIL_NOT_FOUND: e('No account uses that email address.', 'Check it, or sign up.'),
  INVALID_USER: e('No account uses that email address.', 'Check it, or sign up.'),
  ACCOUNT_NOT_FOUND: e('No account uses that email address.', 'Check it, or sign up.'),
  CREDENTIAL_ACCOUNT_NOT_FOUND: e('This account signs in another way, not with a password.', 'Use your company sign-in, or reset your password to set one.'),
  USER_ALREADY_EXISTS: e('An account with that email address exists already.', 'Sign in instead, or reset your password.'),
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: e('An account with that email address exists already.', 'Use another address, or sign in.'),
  EMAIL_NOT_VERIFIED: e('Your email address is not confirmed yet.', 'Open the link we emailed you, then sign in.'),
  EMAIL_ALREADY_VERIFIED: e('Your email address is confirmed already.', 'Sign in.'),
  EMAIL_MISMATCH: e('That link was sent to another email address.', 'Open the newest link we emailed you.'),
  PASSWORD_TOO_SHORT: e('That password is too short.', 'Use at least 8 characters.'),
  PASSWORD_TOO_LONG: e('That password is too long.', 'Use at most 128 characters.'),
  PASSWORD_ALREADY_SET: e('This account has a password already.', 'Sign in, or reset your password.'),
  USER_ALREADY_HAS_PASSWORD: e('This account has a password already.', 'Sign in, or reset your password.'),
  INVALID_TOKEN: e('This link is not valid any more.', 'Ask for a new one.'),
  TOKEN_EXPIRED: e('This link has expired.', 'Ask for a new one.'),
  SESSION_EXPIRED: e('Your session has ended.', 'Sign in again to continue.'),
  SESSION_NOT_FRESH: e('For this, StreamFlow needs you to sign in again.', 'Sign out, sign in, and try again.'),
  FAILED_TO_GET_SESSION: e('Your session could not be checked.', TRY_LATER),
  FAILED_TO_CREATE_SESSION: e('You could not be signed in just now.', TRY_LATER),
  FAILED_TO_CREATE_USER: e('The account could not be created just now.', TRY_LATER),
  FAILED_TO_UPDATE_USER: e('Your account could not be updated just now.', TRY_LATER),
  FAILED_TO_CREATE_VERIFICATION: e('The email could not be prepared just now.', TRY_LATER),
  FAILED_TO_GET_USER_INFO: e('Your company sign-in did not tell us who you are.', 'Try again, or ask your administrator.'),
  FAILED_TO_UNLINK_LAST_ACCOUNT: e('This is the only way you sign in, so it cannot be removed.', 'Add another way to sign in first.'),
  EMAIL_CAN_NOT_BE_UPDATED: e('The email address cannot be changed here.', 'Ask the owner of the workspace.'),
  CHANGE_EMAIL_DISABLED: e('The email address cannot be changed here.', 'Ask the owner of the workspace.'),
  VERIFICATION_EMAIL_NOT_ENABLED: e('Confirmation emails are not set up.', 'Ask the StreamFlow operator.'),
  SOCIAL_ACCOUNT_ALREADY_LINKED: e('That sign-in is linked to another account already.', 'Sign in with that account instead.'),
  LINKED_ACCOUNT_ALREADY_EXISTS: e('That sign-in is linked to another account already.', 'Sign in with that account instead.'),
  PROVIDER_NOT_FOUND: e('That sign-in method is not set up.', 'Sign in with your email and password, or ask your administrator.'),
  ID_TOKEN_NOT_SUPPORTED: SIGN_IN_PROBLEM,
  CROSS_SITE_NAVIGATION_LOGIN_BLOCKED: SIGN_IN_PROBLEM,
  INVALID_ORIGIN: SIGN_IN_PROBLEM,
  MISSING_OR_NULL_ORIGIN: SIGN_IN_PROBLEM,
  INVALID_CALLBACK_URL: SIGN_IN_PROBLEM,
  INVALID_REDIRECT_URL: SIGN_IN_PROBLEM,
  INVALID_ERROR_CALLBACK_URL: SIGN_IN_PROBLEM,
  INVALID_NEW_USER_CALLBACK_URL: SIGN_IN_PROBLEM,
  CALLBACK_URL_REQUIRED: SIGN_IN_PROBLEM,
  METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED: SIGN_IN_PROBLEM,
  FIELD_NOT_ALLOWED: e('One of the details cannot be set here.', RELOAD),
  MISSING_FIELD: e('A required detail is missing.', 'Fill in every field and try again.'),
  VALIDATION_ERROR: e('Some of the details are not valid.', 'Check them and try again.'),
  BODY_MUST_BE_AN_OBJECT: e('The app sent something the server could not read.', RELOAD),
  ASYNC_VALIDATION_NOT_SUPPORTED: NOT_SAVED_INTERNAL,
  INVALID_NAME: e('Enter your name.', ''),
  INVALID_IMAGE: e('That picture cannot be used.', 'Use a PNG or JPEG image.'),
  REAUTH_FAILED: e('That password is not right.', 'Enter the password you sign in with.'),
};

/** Subscription, Connect and payment links (sync-server `BillingErrors`). */
const BILLING: Record<string, Explained> = {
  BILLING_NOT_CONFIGURED: e('Payments are not set up on this StreamFlow server yet.', 'The StreamFlow operator needs to connect Stripe.'),
  OWNER_ONLY: e('Only the owner of the workspace can do this.', ASK_OWNER),
  MODULE_NOT_ENTITLED: e('Your plan does not include this.', 'The owner can change the plan under Billing.'),
  ALREADY_SUBSCRIBED: e('This workspace has a subscription already.', 'Manage it from Billing.'),
  NO_BILLING_CUSTOMER: e('This workspace has no subscription yet.', 'Choose a plan first.'),
  CONNECT_NOT_STARTED: e('Card payments are not set up yet.', 'The owner can set them up under Billing.'),
  CONNECT_NOT_READY: e('The Stripe account cannot take payments yet.', 'Finish the Stripe set-up under Billing.'),
  INVOICE_NOT_FOUND: e('That invoice no longer exists.', RELOAD),
  INVOICE_NOT_PAYABLE: e('That invoice can no longer be paid.', 'It may be paid or void already.'),
  AMOUNT_INVALID: e('The amount is more than the balance due.', 'Enter at most the balance.'),
  STRIPE_REJECTED: e('Stripe refused the request.', 'Check the details under Billing, then try again.'),
  STRIPE_UNAVAILABLE: e('Stripe could not be reached.', TRY_LATER),
  PAYMENT_LINK_FAILED: e('The payment link could not be made.', 'Ask for a new link.'),
  WEBHOOK_SIGNATURE_MISSING: e('A message claiming to be from Stripe was refused.', ''),
  WEBHOOK_SIGNATURE_INVALID: e('A message claiming to be from Stripe was refused.', ''),
  WEBHOOK_WRONG_ENDPOINT: e('A message from Stripe arrived at the wrong address.', ''),
};

/** Onboarding, team and roles, elevation (sync-server `OnboardingErrors`, `RoleErrors`, `Elevation*Errors`). */
const WORKSPACE: Record<string, Explained> = {
  LOGO_TOO_LARGE: e('That logo is too large.', 'Use a smaller image.'),
  LOGO_TYPE_NOT_ALLOWED: e('That file is not an image we can show.', 'Use a PNG, JPEG, WebP or GIF.'),
  LOGO_NOT_FOUND: e('There is no logo yet.', 'Upload one.'),
  UNKNOWN_ROLE: e('That role does not exist.', 'Pick one from the list.'),
  CORE_MODULE: e('That feature is part of every workspace and stays on.', ''),
  ROLE_NOT_FOUND: e('That role no longer exists.', 'The page is up to date again.'),
  UNKNOWN_PERMISSION: e('That permission does not exist any more.', RELOAD),
  OWNER_NEEDS_ROLES_MANAGE: e('The owner role always keeps “Manage roles and permissions”.', ''),
  LAST_OWNER: e('The last owner keeps the owner role.', 'Make someone else owner first.'),
  ROLE_IN_USE: e('Members still have this role.', 'Give them another role first.'),
  SYSTEM_ROLE: e('A default role cannot be changed that way.', 'Clone it and change the copy.'),
  ROLE_KEY_TAKEN: e('A role with that name exists already.', 'Choose another name.'),
  SCOPE_NOT_ELEVATABLE: e('That permission cannot be granted for a limited time.', ''),
  ELEVATION_NOT_FOUND: e('That temporary access has ended already.', RELOAD),
  ELEVATION_NOT_ALLOWED: e('Temporary access to that is not allowed.', ASK_OWNER),
  ELEVATION_LIMIT_REACHED: e('The limit of temporary access grants is reached.', 'Wait until one ends.'),
  REQUEST_NOT_FOUND: e('That request no longer exists.', RELOAD),
  REQUEST_NOT_PENDING: e('That request was decided already.', RELOAD),
  REQUEST_EXPIRED: e('That request has expired.', 'Ask for access again.'),
  SELF_APPROVAL: e('You cannot approve your own request.', 'Ask someone else to approve it.'),
  IMPERSONATION_CANNOT_DECIDE: e('While acting as someone else you cannot approve requests.', 'Return to your own account first.'),
};

/** Staff spaces and the provisioning API (sync-server `JobErrors`, `ShapeErrors`, `AccountingErrors`, `ProvisioningErrors`). */
const STAFF: Record<string, Explained> = {
  JOB_NOT_FOUND: e('That background job no longer exists.', RELOAD),
  JOB_NOT_DEAD: e('Only a failed job can be retried.', RELOAD),
  UNKNOWN_SHAPE: e('This device asked for data that does not exist.', RELOAD),
  SHAPE_FORBIDDEN: e('Your role does not include this data.', ASK_OWNER),
  BAD_SHAPE_PARAMS: e('This device asked for data in a way the server does not accept.', RELOAD),
  CLIENT_SQL_NOT_ALLOWED: e('This device asked for data in a way the server does not accept.', RELOAD),
  UPSTREAM_UNAVAILABLE: e('Live data is not reachable just now.', 'It resumes by itself.'),
  TENANT_NOT_SERVED: e('You do not serve that workspace.', 'Pick one of your own from the list.'),
  UNKNOWN_INDUSTRY: e('That industry is not offered.', 'Pick one from the list.'),
  EXTERNAL_ID_CONFLICT: e('A workspace with that outside id exists already.', ''),
  EMAIL_TAKEN: e('An account with that email address exists already.', 'Sign in instead, or reset your password.'),
  SIGNUP_REPLAY_MISMATCH: e('That sign-up was sent twice with different details.', 'Start the sign-up again.'),
  SIGNUP_LINK_INVALID: e('This sign-up link is not valid any more.', 'Ask for a new one.'),
  // The signed provisioning API (machine clients) and stored secrets: words for the operator's logs and tools.
  SIGNED_REQUESTS_DISABLED: e('Signed provisioning requests are turned off on this server.', 'The operator sets the provisioning key to turn them on.'),
  SIGNATURE_MALFORMED: e('The request’s signature could not be read.', 'Sign the request as the provisioning guide shows.'),
  SIGNATURE_STALE: e('The request’s signature is too old.', 'Check the sending machine’s clock and sign it again.'),
  SIGNATURE_INVALID: e('The request’s signature does not match.', 'Check the shared key and sign it again.'),
  NONCE_REUSED: e('That signed request was sent already.', 'Send a new one with a fresh nonce.'),
  SECRET_BOX_BAD_KEY: e('A stored secret could not be opened.', 'The operator needs to check the encryption key.'),
  SECRET_BOX_BAD_FORMAT: e('A stored secret could not be opened.', 'The operator needs to check the encryption key.'),
  SECRET_BOX_UNKNOWN_KEY: e('A stored secret could not be opened.', 'The operator needs to check the encryption key.'),
  SECRET_BOX_TAMPERED: e('A stored secret could not be opened.', 'The operator needs to check the encryption key.'),
};

/** Every code the server or the app can produce, with its words. */
export const ERROR_MESSAGES: Readonly<Record<string, Explained>> = { ...COMMON, ...AUTH, ...BILLING, ...WORKSPACE, ...STAFF };

/** By status, when the code is one this app does not know. */
function byStatus(status: number | null): Explained {
  if (status === null) return COMMON.NETWORK!;
  if (status === 401) return COMMON.UNAUTHENTICATED!;
  if (status === 403) return COMMON.FORBIDDEN!;
  if (status === 404) return COMMON.NOT_FOUND!;
  if (status === 409) return COMMON.CONFLICT!;
  if (status === 413) return COMMON.PAYLOAD_TOO_LARGE!;
  if (status === 422) return COMMON.VALIDATION_FAILED!;
  if (status === 429) return COMMON.RATE_LIMITED!;
  if (status >= 500) return NOT_SAVED_INTERNAL;
  return COMMON.BAD_REQUEST!;
}

/**
 * Any thrown thing as words: an `ApiError` by its code (then its status), a
 * failed fetch as "could not be reached". Never returns the raw message as
 * the sentence.
 */
export function explainError(err: unknown): UserError {
  if (err instanceof ApiError) {
    const known = ERROR_MESSAGES[err.code];
    return { ...(known ?? byStatus(err.status)), code: err.code, status: err.status, detail: err.message };
  }
  const detail = err instanceof Error ? err.message : String(err);
  return { ...COMMON.NETWORK!, code: 'NETWORK', status: null, detail };
}

/** A per-mutation write result (`rejected` / `conflict`) as words. */
export function explainMutation(result: { code?: string; message?: string } | null | undefined): UserError {
  const code = result?.code ?? 'INVALID';
  const known = code === 'FORBIDDEN' ? e('Your role does not have permission to make this change.', ASK_OWNER) : ERROR_MESSAGES[code];
  return { ...(known ?? COMMON.INVALID!), code, status: null, detail: result?.message ?? '' };
}

/** The sentence and what to do, as one line of text. */
export const sentenceOf = (x: Explained) => (x.action ? `${x.sentence} ${x.action}` : x.sentence);

/**
 * One line for a failed request on a page that knows what it was doing:
 * a specific server code speaks for itself; a generic one (bad request,
 * validation, an unknown code) gives the page's own `fallback`.
 */
export function errorSentence(err: unknown, fallback?: string): string {
  const x = explainError(err);
  const generic = !ERROR_MESSAGES[x.code] || x.code === 'BAD_REQUEST' || x.code === 'VALIDATION_FAILED' || x.code === 'HTTP_ERROR' || x.code === 'NOT_FOUND';
  if (fallback && generic && x.status !== null && x.status < 500 && x.status !== 429) return fallback;
  return sentenceOf(x);
}

// ---------------------------------------------------------------- form fields

/** The part of a zod issue this layer reads (zod 4's issue shape). */
export interface FieldIssue {
  code: string;
  message: string;
  path?: readonly PropertyKey[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
}

const KIND: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  date: 'a date',
  array: 'a list',
  object: 'a set of values',
  bigint: 'a whole number',
};
const FORMAT: Record<string, string> = {
  email: 'Enter an email address like name@example.com.',
  url: 'Enter a web address like https://example.com.',
  uuid: 'Pick one from the list.',
  datetime: 'Enter a date and time.',
  date: 'Enter a date.',
  time: 'Enter a time.',
  e164: 'Enter a phone number with its country code, like +44 20 7946 0958.',
};
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sentenceCase = (s: string) => {
  const t = capital(s.trim());
  return /[.!?]$/.test(t) ? t : `${t}.`;
};

/**
 * A zod issue as a sentence about the field called `label`: "Email: enter an
 * email address like name@example.com." reads worse than the form showing
 * "Enter an email address like name@example.com." under the Email field, so
 * the sentence speaks to the field it sits under.
 */
export function issueSentence(issue: FieldIssue, label: string): string {
  const n = (v: number | bigint | undefined) => Number(v ?? 0);
  switch (issue.code) {
    case 'invalid_type':
      if (/received (undefined|null)/.test(issue.message)) return `${capital(label)} is required.`;
      return `${capital(label)} must be ${KIND[issue.expected ?? ''] ?? 'a different kind of value'}.`;
    case 'too_small':
      if (issue.origin === 'string') return n(issue.minimum) <= 1 ? `${capital(label)} is required.` : `${capital(label)} needs at least ${n(issue.minimum)} characters.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Choose at least ${n(issue.minimum)}.`;
      return `${capital(label)} must be ${issue.inclusive === false ? 'more than' : 'at least'} ${n(issue.minimum).toLocaleString()}.`;
    case 'too_big':
      if (issue.origin === 'string') return `${capital(label)} can have at most ${n(issue.maximum).toLocaleString()} characters.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `Choose at most ${n(issue.maximum)}.`;
      return `${capital(label)} must be ${issue.inclusive === false ? 'less than' : 'at most'} ${n(issue.maximum).toLocaleString()}.`;
    case 'invalid_format':
      // A pattern with its own words ("a decimal amount like 1234.50") says what to enter.
      if (issue.format === 'regex' && !/^invalid/i.test(issue.message)) return `Enter ${issue.message.replace(/\.$/, '')}.`;
      return FORMAT[issue.format ?? ''] ?? `${capital(label)} is not in the right form.`;
    case 'invalid_value':
      return issue.values && issue.values.length > 0 && issue.values.length <= 6
        ? `Choose one of: ${issue.values.map(String).join(', ')}.`
        : 'Choose one from the list.';
    case 'not_multiple_of':
      return `${capital(label)} has too many decimal places.`;
    case 'unrecognized_keys':
      return `${capital(label)} cannot be set here.`;
    case 'custom':
      // Our own refinements carry a sentence already ("closing time must be after opening time").
      return sentenceCase(issue.message);
    default:
      return `${capital(label)} is not valid.`;
  }
}

/** A column name as a label when the page gives none: `due_at` -> "Due at", `companyId` -> "Company". */
export function fieldLabel(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/_id$/, '')
    .replace(/_/g, ' ')
    .trim();
  return capital(words);
}
