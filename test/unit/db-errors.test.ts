import { describe, expect, it } from 'vitest';
import { CLI_SPELLING } from '../../src/cli/flags.js';
import { isDatabaseFailure, isUnreachable } from '../../src/db/errors.js';
import { databaseError } from '../../src/db/failures.js';

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

describe('a write the server refused as read-only (25006)', () => {
  const readOnly = Object.assign(new Error('cannot execute CREATE TABLE in a read-only transaction'), { name: 'PostgresError', code: '25006' });
  const STANDBY = 'the server is a read-only standby: run this against the primary';

  it.each([
    ['a hot standby (in_hot_standby on)', readOnly, { in_hot_standby: 'on', default_transaction_read_only: 'off' }, STANDBY, /^point --database-url \/ DATABASE_URL at the primary/],
    ['a primary whose session defaults to read-only', readOnly, { in_hot_standby: 'off', default_transaction_read_only: 'on' }, `database error: ${readOnly.message}`, /default_transaction_read_only = on/],
    ['a server that does not report its state (before 14)', readOnly, {}, `database error: ${readOnly.message}`, undefined],
    ['no parameters at all (the embedded database)', readOnly, undefined, `database error: ${readOnly.message}`, undefined],
    ['another error on a standby', Object.assign(new Error('boom'), { name: 'PostgresError', code: 'XX000' }), { in_hot_standby: 'on' }, 'database error: boom', undefined],
  ])('%s', (_what, e, server, message, hint) => {
    const error = databaseError('postgres://db/aos', e, server);
    expect(error.exitCode).toBe(3);
    const spelled = error.spelled(CLI_SPELLING);
    expect(spelled.message).toBe(message);
    if (hint) expect(spelled.hint).toMatch(hint);
    else expect(spelled.hint).toBeUndefined();
  });
});
