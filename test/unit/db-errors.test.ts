import { describe, expect, it } from 'vitest';
import { isDatabaseFailure, isUnreachable } from '../../src/db/errors.js';

const coded = (code: string) => Object.assign(new Error(code), { code });
const named = (name: string) => Object.assign(new Error(name), { name });

describe('the database error classifier', () => {
  it.each([
    ['a refused connection', coded('ECONNREFUSED'), true, true],
    ['an unknown host', coded('ENOTFOUND'), true, true],
    ['postgres.js: connection closed', coded('CONNECTION_CLOSED'), true, true],
    ['postgres.js: connect timeout', coded('CONNECT_TIMEOUT'), true, true],
    ['a PostgreSQL error', named('PostgresError'), false, true],
    ['a TypeError (a bug, not the database)', new TypeError('x is undefined'), false, false],
    ['a plain Error', new Error('boom'), false, false],
    ['a file-system error', coded('ENOENT'), false, false],
    ['null', null, false, false],
    ['a string', 'ECONNREFUSED', false, false],
  ])('%s: unreachable %s, database failure %s', (_what, e, unreachable, failure) => {
    expect(isUnreachable(e)).toBe(unreachable);
    expect(isDatabaseFailure(e)).toBe(failure);
  });
});
