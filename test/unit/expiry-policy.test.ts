import { describe, expect, it } from 'vitest';
import { parseExpirySetting } from '../../src/domain/expiry-policy.js';

describe('parseExpirySetting', () => {
  it.each([
    ['past_customer=24m', 'past_customer', '24m', '24 months'],
    ['Past Customer = 2Y', 'past_customer', '2y', '2 years'],
    ['competitor=090d', 'competitor', '90d', '90 days'],
    ['partner=12w', 'partner', '12w', '12 weeks'],
    ['partner=36h', 'partner', '36h', '36 hours'],
    ['past_customer=none', 'past_customer', null, null],
  ])('%j → %s %s', (text, reason, period, interval) => {
    expect(parseExpirySetting(text)).toEqual({ reason, period, interval });
  });

  it.each([
    ['unsubscribed=12m', 'input', /opt-out never lapses/],
    ['do_not_contact=1y', 'input', /opt-out/],
    ['bounced=30d', 'input', /opt-out/],
    ['existing_customer=12m', 'input', /active customer/],
    ['past_customer=0m', 'usage', /invalid duration/],
    ['past_customer=24', 'usage', /invalid duration/],
    ['past_customer=-3m', 'usage', /invalid duration/],
    ['past_custmer=24m', 'usage', /invalid reason/],
    ['24m', 'usage', /REASON=DURATION/],
    // The rule of --for: an expiry past the year 9999 is refused (9999y gave entries of year 12025).
    ['past_customer=9999y', 'usage', /after the year 9999/],
    ['partner=7974y', 'usage', /after the year 9999/],
    // Within the year 9999 from today, but not for an entry added later: refused from the end of 2100.
    ['partner=7973y', 'usage', /after the year 9999/],
    ['competitor=7900y', 'usage', /after the year 9999/],
  ])('%j is refused (%s)', (text, code, message) => {
    expect(() => parseExpirySetting(text, new Date('2026-12-06T12:00:00Z'))).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('a period that ends within the year 9999 for entries added until the end of 2100 is fine', () => {
    expect(parseExpirySetting('partner=7899y', new Date('2026-12-06T12:00:00Z'))).toMatchObject({ period: '7899y' });
    expect(parseExpirySetting('partner=9999d', new Date('2026-12-06T12:00:00Z'))).toMatchObject({ period: '9999d' });
  });
});
