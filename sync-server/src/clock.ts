/** Time, injectable so tests can move it (elevation expiry, key pruning, backoff). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * How far a signed timestamp (Stripe webhooks, HMAC-signed platform requests)
 * may be ahead of our clock: enough for clock drift between honest machines,
 * far less than the past tolerance, so a signature made for later cannot be
 * stockpiled and replayed once its nonce or event id has been pruned.
 */
export const MAX_FUTURE_SKEW_S = 60;
