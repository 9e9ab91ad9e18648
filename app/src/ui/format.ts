/*
 * Every number, amount, count and date a page shows goes through here, in the
 * reader's locale (`Intl`), so a page never formats by hand and a translation
 * has one place to change. `locale` defaults to the browser's; tests pass one.
 */

type Locale = string | undefined;

/** An amount with its currency symbol: "$1,204.50", "1.204,50 €". Unknown currency: "1,204.50 XYZ". */
export function money(amount: string | number | null | undefined, currency: string, locale?: Locale): string {
  const n = Number(amount ?? 0);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(n);
  } catch {
    return `${n.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
  }
}

/** A whole-unit amount for totals and boards: "$12,400" (cents dropped). */
export function moneyRounded(amount: string | number | null | undefined, currency: string, locale?: Locale): string {
  const n = Number(amount ?? 0);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(n);
  } catch {
    return `${Math.round(n).toLocaleString(locale)} ${currency}`;
  }
}

/** The currency's symbol alone ("$", "€"), for a money field's prefix. */
export function currencySymbol(currency: string, locale?: Locale): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

/** A plain number with grouping: "1,204". */
export const number = (n: number, locale?: Locale) => n.toLocaleString(locale);

/**
 * A plural-aware count: `count(1, 'lead')` is "1 lead", `count(1204, 'lead')`
 * "1,204 leads"; irregular plurals pass the other form (`count(n, 'company', 'companies')`).
 */
export function count(n: number, one: string, other = `${one}s`, locale?: Locale): string {
  const form = new Intl.PluralRules(locale ?? 'en').select(n) === 'one' ? one : other;
  return `${n.toLocaleString(locale)} ${form}`;
}

const startOfDay = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const DAY = 86_400_000;

/** A date-only value ('YYYY-MM-DD' or a Date) as the local calendar day it names. */
function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00`) : new Date(value);
}

/** Whole calendar days from `now` to `d` (0 today, 1 tomorrow, -1 yesterday). */
export function dayOffset(value: string | Date, now: Date = new Date()): number {
  return Math.round((startOfDay(toDate(value)).getTime() - startOfDay(now).getTime()) / DAY);
}

/** A calendar day: "3 Dec 2026" (the year only when it is not this year). */
export function day(value: string | Date | null | undefined, locale?: Locale, now: Date = new Date()): string {
  if (!value) return '';
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString(locale, { day: 'numeric', month: 'short', ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }) });
}

/** A clock time: "14:30" or "2:30 PM", as the locale writes it. */
export function time(value: string | Date, locale?: Locale): string {
  return toDate(value).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/**
 * A moment relative to today: "today 14:30", "yesterday 09:10", "tomorrow
 * 08:00", "Tue 14:30" within the week, else "3 Dec 14:30" ("3 Dec 2025 14:30"
 * in another year). Words come from `Intl.RelativeTimeFormat`, so they follow the locale.
 */
export function when(value: string | Date | null | undefined, locale?: Locale, now: Date = new Date()): string {
  if (!value) return '';
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return '';
  const offset = dayOffset(d, now);
  const clock = time(d, locale);
  if (Math.abs(offset) <= 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(offset, 'day');
    return `${word} ${clock}`;
  }
  if (offset > -7 && offset < 7) return `${d.toLocaleDateString(locale, { weekday: 'short' })} ${clock}`;
  return `${day(d, locale, now)} ${clock}`;
}

/** A due date relative to today: "today", "tomorrow", "in 3 days", "2 days ago", else the day. */
export function dueDay(value: string | Date | null | undefined, locale?: Locale, now: Date = new Date()): string {
  if (!value) return '';
  const offset = dayOffset(value, now);
  if (Math.abs(offset) < 7) return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(offset, 'day');
  return day(value, locale, now);
}

/** A span of minutes as "1 h 05 min" / "45 min". */
export function duration(minutes: number): string {
  const m = Math.max(0, Math.round(minutes));
  const h = Math.floor(m / 60);
  return h ? `${h} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
}
