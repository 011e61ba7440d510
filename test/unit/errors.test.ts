import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_SPELLING } from '../../src/cli/flags.js';
import { AosError, OPTION_NAMES } from '../../src/errors.js';

describe('option and command names in messages', () => {
  it.each([
    ['pass {force} only if you mean it', 'pass option force only if you mean it', 'pass --force only if you mean it'],
    ['invalid {dateFormat} "x"', 'invalid option dateFormat "x"', 'invalid --date-format "x"'],
    ['list runs with {command:imports list}', 'list runs with "aos imports list"', 'list runs with `aos imports list`'],
    // Options right after a command are its own: the CLI writes one command line to copy.
    ['list runs with {command:imports list} {client}', 'list runs with "aos imports list" (option client)', 'list runs with `aos imports list --client SLUG`'],
    ['find it with {command:customers list} {client} {search}', 'find it with "aos customers list" (option client, option search)', 'find it with `aos customers list --client SLUG --search TEXT`'],
    // A message that knows the client names it: the hint is a command to copy, not `--client SLUG`.
    ['find it with {command:customers list} {client=acme-co} {search}', 'find it with "aos customers list" (option client acme-co, option search)', 'find it with `aos customers list --client acme-co --search TEXT`'],
    ['use {command:imports list} {x} {force}', 'use "aos imports list" {x} option force', 'use `aos imports list` {x} --force'],
    ['{targets} or {waitSeconds}', 'option targets or option waitSeconds', '--file PATH or --wait SECONDS'],
    // Only registered names written as a word of their own are spelled: braces in a path or a
    // typed value stay as typed ("cannot read --force.csv" for the file {force}.csv misleads).
    ['cannot open /data/{force}{x}', 'cannot open /data/{force}{x}', 'cannot open /data/{force}{x}'],
    ['cannot read {force}.csv: no such file', 'cannot read {force}.csv: no such file', 'cannot read {force}.csv: no such file'],
    ['unknown client "{force}"', 'unknown client "{force}"', 'unknown client "{force}"'],
    ['unknown client "{command:clients list}"', 'unknown client "{command:clients list}"', 'unknown client "{command:clients list}"'],
    ['pass {force}. Or ({dateFormat}), {limit}; {expires}: x', 'pass option force. Or (option dateFormat), option limit; option expires: x', 'pass --force. Or (--date-format), --limit; --expires: x'],
    ['invalid duration "{forty}"', 'invalid duration "{forty}"', 'invalid duration "{forty}"'],
    ['no {command:rm -rf} here', 'no {command:rm -rf} here', 'no {command:rm -rf} here'],
  ])('%s', (template, library, cli) => {
    const e = new AosError('usage', template, template);
    expect(e.message).toBe(library);
    expect(e.hint).toBe(library);
    expect(e.spelled(CLI_SPELLING)).toEqual({ message: cli, hint: cli });
  });

  it('every {name} written in the source is a registered option', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
    const used = new Set<string>();
    for (const file of files(new URL('../../src', import.meta.url).pathname).filter((f) => !f.endsWith('/errors.ts'))) {
      // Not `${x}` (a template expression) and not `\p{L}` (a regex class).
      for (const m of readFileSync(file, 'utf8').matchAll(/(?<![$p\\w])\{([a-zA-Z]+)\}/g)) used.add(m[1] as string);
    }
    expect([...used].filter((name) => !OPTION_NAMES.has(name) && name !== 'option')).toEqual([]);
  });
});

describe('error kinds', () => {
  it('an error is of kind general unless its thrower says otherwise, whatever its words', () => {
    const worded = new AosError('input', '2 invalid targets, nothing written: line 1 "x"');
    expect(worded.kind).toBe('general');
    expect('cause' in worded).toBe(false);
    const kinded = new AosError('input', 'reworded entirely', undefined, { kind: 'invalid-targets' });
    expect(kinded.kind).toBe('invalid-targets');
    expect(kinded.code).toBe('input');
    expect(kinded.exitCode).toBe(2);
    expect('cause' in kinded).toBe(false);
  });

  it('a cause passes with a kind', () => {
    const cause = new Error('driver');
    const e = new AosError('database', 'the embedded database stopped', undefined, { cause, kind: 'engine-stopped' });
    expect(e.cause).toBe(cause);
    expect(e.kind).toBe('engine-stopped');
  });
});
