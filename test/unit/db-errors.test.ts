import { describe, expect, it } from 'vitest';
import { CLI_SPELLING } from '../../src/cli/flags.js';
import { isDatabaseFailure, isUnreachable } from '../../src/db/errors.js';
import { databaseError } from '../../src/db/open.js';

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

describe('a server that answers but refuses the database', () => {
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { name: 'PostgresError', code });

  it.each([
    ['no such database', pgError('3D000', 'database "nope" does not exist'), 'database error: database "nope" does not exist', 'create it (createdb), then run `aos db migrate`; or check --database-url / DATABASE_URL'],
    ['no such role', pgError('28000', 'role "nobody" does not exist'), 'database error: role "nobody" does not exist', 'check the user and password in --database-url / DATABASE_URL'],
    ['a wrong password', pgError('28P01', 'password authentication failed for user "ops"'), 'database error: password authentication failed for user "ops"', 'check the user and password in --database-url / DATABASE_URL'],
  ])('%s: exit 3 with the next step', (_what, e, message, hint) => {
    const error = databaseError('postgres://ops@db/nope', e);
    expect(error.exitCode).toBe(3);
    expect(error.spelled(CLI_SPELLING)).toEqual({ message, hint });
  });
});
