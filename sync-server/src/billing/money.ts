import { createHash } from 'node:crypto';

/** Currencies Stripe counts in whole units (no minor unit). */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

const factor = (currency: string) => (ZERO_DECIMAL.has(currency.toLowerCase()) ? 1 : 100);

/** A decimal amount as stored (`numeric` text like "1234.50") in Stripe's minor units. */
export function toMinorUnits(amount: string | number, currency: string): number {
  return Math.round(Number(amount) * factor(currency));
}

/** Stripe minor units back to the decimal text we store. */
export function fromMinorUnits(minor: number, currency: string): string {
  const f = factor(currency);
  return f === 1 ? String(minor) : (minor / f).toFixed(2);
}

/**
 * Deterministic uuid for a row made from a Stripe object id, so two events
 * about the same payment (checkout completed, payment intent succeeded) land
 * on one row even when they are processed concurrently.
 */
export function uuidFor(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
