import { describe, expect, it } from 'vitest';
import { accountHash, connectStatusOf, redactAccountIds } from './connect-account.ts';

describe('connect account state', () => {
  it("maps an Express account's flags to connect_status", () => {
    const of = (details_submitted: boolean, charges_enabled: boolean, payouts_enabled: boolean) => connectStatusOf({ details_submitted, charges_enabled, payouts_enabled });
    expect(of(false, false, false)).toBe('pending');
    expect(of(true, false, false)).toBe('restricted');
    expect(of(true, true, false)).toBe('restricted');
    expect(of(true, false, true)).toBe('restricted');
    expect(of(true, true, true)).toBe('active');
    // Stripe can enable both before details are marked submitted (e.g. prefilled): it can take and pay out money.
    expect(of(false, true, true)).toBe('active');
  });

  it('redacts every account id in a payload to its hash, and nothing else', () => {
    const payload = JSON.stringify({ account: 'acct_1AbC', data: { object: { on_behalf_of: 'acct_1AbC', transfer_data: { destination: 'acct_2XyZ' }, customer: 'cus_9', note: 'bacct_1 stays' } } });
    const out = redactAccountIds(payload);
    expect(out).not.toMatch(/acct_1AbC|acct_2XyZ/);
    expect(JSON.parse(out)).toEqual({
      account: `acct_sha256_${accountHash('acct_1AbC')}`,
      data: { object: { on_behalf_of: `acct_sha256_${accountHash('acct_1AbC')}`, transfer_data: { destination: `acct_sha256_${accountHash('acct_2XyZ')}` }, customer: 'cus_9', note: 'bacct_1 stays' } },
    });
    expect(accountHash('acct_1AbC')).toMatch(/^[0-9a-f]{64}$/);
  });
});
