// AOS_PREPARE: on by default (a handle behind a transaction-pooling PgBouncer goes unnamed by itself), off when asked, anything else a usage error.
import { describe, expect, it } from 'vitest';
import { prepareSetting } from '../../src/db/server.js';

describe('AOS_PREPARE', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['on', true],
    ['ON', true],
    ['1', true],
    ['off', false],
    [' Off ', false],
    ['false', false],
    ['0', false],
  ])('%j reads as prepare %s', (value, expected) => {
    expect(prepareSetting(value === undefined ? {} : { AOS_PREPARE: value })).toBe(expected);
  });

  it('any other value is a usage error that names the setting, never a silent default', () => {
    expect(() => prepareSetting({ AOS_PREPARE: 'transaction' })).toThrow(expect.objectContaining({ code: 'usage', message: 'invalid AOS_PREPARE "transaction": use on or off' }));
  });
});
