// What re-adding an existing entry would weaken (SPEC §5): the rule, case by case.
import { expect, it } from 'vitest';
import type { SuppressionReason } from '../../src/db/schema-constants.js';
import { weakening } from '../../src/services/suppression-service.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const IN_10D = '2026-12-11T00:00:00.000Z';
const IN_30D = '2026-12-31T00:00:00.000Z';
const PAST = '2026-11-01T00:00:00.000Z';

// [existing reason, existing expiry, new reason, new expiry, weakened?]
const cases: Array<[SuppressionReason, string | null, SuppressionReason, string | null, RegExp | null]> = [
  ['unsubscribed', null, 'partner', null, /reason unsubscribed → partner/],
  ['do_not_contact', null, 'unsubscribed', null, /reason do_not_contact → unsubscribed/],
  ['bounced', null, 'competitor', null, /reason bounced → competitor/],
  ['unsubscribed', null, 'unsubscribed', null, null],
  ['competitor', null, 'partner', null, null],
  ['existing_customer', null, 'existing_customer', IN_10D, /expiry never → 2026-12-11/],
  ['competitor', IN_30D, 'competitor', IN_10D, /expiry 2026-12-31T00:00:00.000Z → 2026-12-11T00:00:00.000Z \(earlier\)/],
  ['competitor', IN_10D, 'competitor', IN_30D, null],
  ['competitor', IN_10D, 'competitor', null, null],
  ['competitor', PAST, 'competitor', IN_10D, null], // an expired entry is revived
  ['unsubscribed', null, 'partner', IN_10D, /reason unsubscribed → partner.*expiry never/],
];

it.each(cases)('%s until %s, re-added as %s until %s → %s', (reason, expires, newReason, newExpires, expected) => {
  const result = weakening({ target: 'x.com', reason, expires_at: expires }, newReason, newExpires, NOW);
  if (expected === null) expect(result).toBeNull();
  else expect(result).toMatch(expected);
});
