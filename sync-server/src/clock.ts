/** Time, injectable so tests can move it (elevation expiry, key pruning, backoff). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
