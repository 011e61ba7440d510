// Flags that take numbers and dates: every malformed value is a clean usage error (exit 2).
import { describe, expect, it } from 'vitest';
import { expiryFromDate, expiryFromDuration } from '../../src/domain/expiry.js';
import { MAX_COUNT, parsePositiveInteger } from '../../src/domain/numbers.js';
import { isClientId, slugLooksLikeId } from '../../src/services/client-service.js';
import { parseReason } from '../../src/services/suppression-service.js';

describe('parsePositiveInteger', () => {
  it.each([
    ['20', 20],
    [' 7 ', 7],
    ['007', 7],
    [String(MAX_COUNT), MAX_COUNT],
  ])('%j → %d', (text, n) => expect(parsePositiveInteger('--limit', text)).toBe(n));

  it.each(['', ' ', 'abc', '1; x', '1.5', '1e3', '-1', '+1', '0', '00', '0x10', 'Infinity', 'NaN', '99999999999999999999', String(MAX_COUNT + 1), '1 2'])(
    '%j is a usage error naming the flag',
    (text) => expect(() => parsePositiveInteger('--limit', text)).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('invalid --limit') }) as never),
  );
});

describe('expiryFromDate', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it.each(['2027-13-45', '2027-02-30', '2027-00-10', '2027-04-31', '2027-1-1', 'tomorrow', '2027-12-31T25:00', ''])('%j is a usage error, never an internal one', (text) => {
    expect(() => expiryFromDate(text, now)).toThrow(expect.objectContaining({ code: 'usage' }) as never);
  });
  it('a valid date is the end of that day, UTC', () => expect(expiryFromDate('2027-02-28', now).toISOString()).toBe('2027-02-28T23:59:59.999Z'));
});

describe('expiryFromDuration', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  // 99999y once reached the database as year 102026 and exited 3 ("time zone displacement out of range").
  // The library names its option (`option for`); the CLI spells the same message as `--for`.
  it.each(['99999y', '8000y', '99999m', '0d', '-5d', '1e9d', '0x10d'])('%j is a usage error, never a database one', (text) => {
    expect(() => expiryFromDuration(text, now)).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('option for') }) as never);
  });
  it.each([
    ['36h', '2026-12-02T12:00:00.000Z'],
    ['1y', '2027-12-01T00:00:00.000Z'],
    ['99999h', '2038-04-28T15:00:00.000Z'],
  ])('%j ends at %s', (text, iso) => expect(expiryFromDuration(text, now).toISOString()).toBe(iso));

  // One calendar rule, PostgreSQL's (timestamp + interval): a day the month does not have becomes
  // its last day; Date#setUTCMonth rolled over (31 January + 1m gave 3 March).
  it.each([
    ['2027-01-31T10:30:00Z', '1m', '2027-02-28T10:30:00.000Z'],
    ['2028-01-31T10:30:00Z', '1m', '2028-02-29T10:30:00.000Z'],
    ['2027-03-31T00:00:00Z', '1m', '2027-04-30T00:00:00.000Z'],
    ['2027-01-30T00:00:00Z', '1m', '2027-02-28T00:00:00.000Z'],
    ['2027-01-31T00:00:00Z', '13m', '2028-02-29T00:00:00.000Z'],
    ['2028-02-29T23:59:59.999Z', '1y', '2029-02-28T23:59:59.999Z'],
    ['2028-02-29T12:00:00Z', '4y', '2032-02-29T12:00:00.000Z'],
    ['2028-02-29T12:00:00Z', '100y', '2128-02-29T12:00:00.000Z'],
    ['2027-08-31T00:00:00Z', '6m', '2028-02-29T00:00:00.000Z'],
    ['2027-12-31T00:00:00Z', '2m', '2028-02-29T00:00:00.000Z'],
    ['2027-12-15T00:00:00Z', '1m', '2028-01-15T00:00:00.000Z'],
    ['2027-05-31T00:00:00Z', '12w', '2027-08-23T00:00:00.000Z'],
  ])('from %s, %s ends at %s', (from, text, iso) => expect(expiryFromDuration(text, new Date(from)).toISOString()).toBe(iso));

  it('the last moment it may end is the end of year 9999', () => {
    expect(expiryFromDuration('1y', new Date('9998-12-31T23:59:59.999Z')).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(() => expiryFromDuration('1m', new Date('9999-12-01T00:00:00Z'))).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('after the year 9999') }) as never);
  });
});

describe('client references', () => {
  it.each([
    ['123e4567-e89b-12d3-a456-426614174000', true, true],
    ['123E4567-E89B-12D3-A456-426614174000', true, true],
    ['123e4567e89b12d3a456426614174000', false, true],
    ['123e-4567-e89b-12d3-a456-4266-1417-4000', false, true],
    ['deadbeef', false, false],
    ['acme-digital', false, false],
    ['123e4567-e89b-12d3-a456-42661417400', false, false],
  ])('%j: resolved by id %s, refused as a slug %s', (ref, byId, refused) => {
    expect(isClientId(ref)).toBe(byId);
    expect(slugLooksLikeId(ref)).toBe(refused);
  });
});

describe('parseReason', () => {
  it.each([['Do Not Contact', 'do_not_contact'], ['bounced', 'bounced']])('%j → %s', (text, reason) => expect(parseReason(text)).toBe(reason));
  // A library caller's null or number was a TypeError from .trim().
  it.each([null, undefined, 3, '', 'spam'])('%j is a usage error', (value) => {
    expect(() => parseReason(value as unknown as string)).toThrow(expect.objectContaining({ code: 'usage', message: expect.stringContaining('reason') }) as never);
  });
});
