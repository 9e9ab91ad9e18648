import { describe, expect, it } from 'vitest';
import { count, currencySymbol, day, dueDay, duration, money, moneyRounded, when } from './format.ts';

// A fixed "now": Friday 4 December 2026, 10:00 local time.
const now = new Date(2026, 11, 4, 10, 0);
const at = (d: number, h: number, m: number, month = 11, year = 2026) => new Date(year, month, d, h, m);

describe('money', () => {
  it('shows the symbol and the locale’s separators', () => {
    expect(money('1204.5', 'USD', 'en-US')).toBe('$1,204.50');
    expect(money(1204.5, 'EUR', 'de-DE')).toBe('1.204,50\u00a0€');
    expect(moneyRounded('12400.49', 'USD', 'en-US')).toBe('$12,400');
    expect(currencySymbol('GBP', 'en-GB')).toBe('£');
  });
  it('never throws on a currency Intl does not know', () => {
    expect(money('3', 'NOT-A-CURRENCY', 'en-US')).toBe('3.00 NOT-A-CURRENCY');
  });
});

describe('count', () => {
  it('is plural-aware', () => {
    expect(count(1, 'lead', undefined, 'en-US')).toBe('1 lead');
    expect(count(0, 'lead', undefined, 'en-US')).toBe('0 leads');
    expect(count(1204, 'company', 'companies', 'en-US')).toBe('1,204 companies');
  });
});

describe('dates', () => {
  it('says today, yesterday and tomorrow with the time', () => {
    expect(when(at(4, 14, 30), 'en-GB', now)).toBe('today 14:30');
    expect(when(at(3, 9, 5), 'en-GB', now)).toBe('yesterday 09:05');
    expect(when(at(5, 8, 0), 'en-GB', now)).toBe('tomorrow 08:00');
  });
  it('names the weekday within a week, else the day', () => {
    expect(when(at(1, 14, 30), 'en-GB', now)).toBe('Tue 14:30');
    expect(when(at(20, 14, 30, 10), 'en-GB', now)).toBe('20 Nov 14:30');
    expect(when(at(20, 14, 30, 10, 2025), 'en-GB', now)).toBe('20 Nov 2025 14:30');
  });
  it('reads a date-only value as that calendar day, not UTC midnight', () => {
    expect(day('2026-12-04', 'en-GB', now)).toBe('4 Dec');
    expect(dueDay('2026-12-04', 'en-GB', now)).toBe('today');
    expect(dueDay('2026-12-07', 'en-GB', now)).toBe('in 3 days');
    expect(dueDay('2026-12-02', 'en-GB', now)).toBe('2 days ago');
    expect(dueDay('2027-01-15', 'en-GB', now)).toBe('15 Jan 2027');
  });
  it('leaves missing or broken dates empty', () => {
    expect(when(null, 'en-GB', now)).toBe('');
    expect(day('not a date', 'en-GB', now)).toBe('');
  });
  it('writes durations in hours and minutes', () => {
    expect(duration(45)).toBe('45 min');
    expect(duration(65)).toBe('1 h 05 min');
  });
});
