/** Error codes of the billing capability (PROTOCOL.md 3 envelope). */
export const BillingErrors = {
  /** A Stripe key, webhook secret, price id or the encryption key is not set: never a fake success. */
  BILLING_NOT_CONFIGURED: 'BILLING_NOT_CONFIGURED',
  OWNER_ONLY: 'OWNER_ONLY',
  MODULE_NOT_ENTITLED: 'MODULE_NOT_ENTITLED',
  ALREADY_SUBSCRIBED: 'ALREADY_SUBSCRIBED',
  NO_BILLING_CUSTOMER: 'NO_BILLING_CUSTOMER',
  CONNECT_NOT_STARTED: 'CONNECT_NOT_STARTED',
  CONNECT_NOT_READY: 'CONNECT_NOT_READY',
  INVOICE_NOT_FOUND: 'INVOICE_NOT_FOUND',
  INVOICE_NOT_PAYABLE: 'INVOICE_NOT_PAYABLE',
  AMOUNT_INVALID: 'AMOUNT_INVALID',
  /** Stripe refused the request (4xx); details carry Stripe's code, never the key. */
  STRIPE_REJECTED: 'STRIPE_REJECTED',
  /** Stripe could not be reached or failed (5xx); retrying later can help. */
  STRIPE_UNAVAILABLE: 'STRIPE_UNAVAILABLE',
  /** An offline payment request whose link could not be made after the job's last attempt (not a Stripe answer). */
  PAYMENT_LINK_FAILED: 'PAYMENT_LINK_FAILED',
  WEBHOOK_SIGNATURE_MISSING: 'WEBHOOK_SIGNATURE_MISSING',
  WEBHOOK_SIGNATURE_INVALID: 'WEBHOOK_SIGNATURE_INVALID',
  /** A Connect event at the provider endpoint or the reverse. */
  WEBHOOK_WRONG_ENDPOINT: 'WEBHOOK_WRONG_ENDPOINT',
} as const;
export type BillingErrorCode = (typeof BillingErrors)[keyof typeof BillingErrors];
