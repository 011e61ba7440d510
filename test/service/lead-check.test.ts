import { PassThrough, Readable } from 'node:stream';
import { beforeAll, expect, it } from 'vitest';
import { readLeadRows } from '../../src/csv/target-rows.js';
import { AosError } from '../../src/errors.js';
import { ClientService } from '../../src/services/client-service.js';
import { LeadCheck, type LeadCheckOptions } from '../../src/services/lead-check.js';
import { SuppressionLists } from '../../src/services/suppression-lists.js';
import { SuppressionService } from '../../src/services/suppression-service.js';
import { describeEachDatabase } from '../helpers/databases.js';

/** A stream that keeps what is written to it. */
function sink(): PassThrough & { text(): string } {
  const chunks: Buffer[] = [];
  const s = new PassThrough() as PassThrough & { text(): string };
  s.on('data', (d: Buffer) => chunks.push(d));
  s.text = () => Buffer.concat(chunks).toString('utf8');
  return s;
}

const LEADS = '\uFEFFEmail;Name\njo@bigcorp.com;Jo\nann@fine.io;Ann\nnot an email;Bob\n';
const read = (text: string, keepRaw = true) => () => readLeadRows(Readable.from([Buffer.from(text)]), { name: 'leads.csv', keepRaw });

describeEachDatabase('LeadCheck', ({ db }) => {
  let suppression: SuppressionService;
  const check = (options: Omit<LeadCheckOptions, 'client'>) => new LeadCheck(suppression, { client: 'acme', ...options });

  beforeAll(async () => {
    await new ClientService(db()).add({ slug: 'acme' });
    suppression = new SuppressionService({ db: db(), actor: 'tester' });
    await suppression.add({ client: 'acme', targets: [{ value: 'bigcorp.com' }], reason: 'existing_customer' });
  });

  it('with a filter, the allowed rows go out as their own bytes after the BOM and header; the others to the rejects CSV with why', async () => {
    const output = sink();
    const rejected = sink();
    const tally = await check({ output, filter: true, rejected: { open: () => rejected, bom: false } }).run(read(LEADS));
    expect(tally).toEqual({ allowed: 1, suppressed: 1, invalid: 1 });
    expect(output.text()).toBe('\uFEFFEmail;Name\nann@fine.io;Ann\n');
    expect(rejected.text()).toBe('Email;Name;reason\njo@bigcorp.com;Jo;existing_customer (bigcorp.com)\nnot an email;Bob;invalid: target contains spaces or control characters\n');
  });

  it('without a filter, each batch goes out as report words it; no report writes nothing', async () => {
    const output = sink();
    await check({ output, report: (rows, outcomes) => rows.map((r, i) => `${r.line} ${'error' in outcomes[i]! ? 'invalid' : outcomes[i]!.suppressed}\n`).join('') }).run(read(LEADS, false));
    expect(output.text()).toBe('2 true\n3 false\n4 invalid\n');
    const quiet = sink();
    expect(await check({ output: quiet }).run(read(LEADS, false))).toEqual({ allowed: 1, suppressed: 1, invalid: 1 });
    expect(quiet.text()).toBe('');
  });

  it('an unknown client fails before the input is opened', async () => {
    let opened = false;
    const run = new LeadCheck(suppression, { client: 'nobody', output: sink() }).run(async () => {
      opened = true;
      return read(LEADS)();
    });
    await expect(run).rejects.toThrow(/unknown client/);
    expect(opened).toBe(false);
  });

  it('an aborted check stops, and its tally says how far it got', async () => {
    const abort = new AbortController();
    const lines = Array.from({ length: 25_000 }, (_, i) => `lead${i}@fine.io`).join('\n');
    const lead = check({ output: sink(), signal: abort.signal, report: () => (abort.abort(new Error('stop')), '') });
    await expect(lead.run(read(lines, false))).rejects.toThrow();
    expect(lead.tally.allowed).toBeGreaterThan(0);
    expect(lead.tally.allowed).toBeLessThan(25_000);
  });
});

describeEachDatabase('SuppressionLists', ({ db }) => {
  let lists: SuppressionLists;
  const file = (text: string) => ({ file: { stream: Readable.from([Buffer.from(text)]), name: 'optouts.csv' } });

  beforeAll(async () => {
    await new ClientService(db()).add({ slug: 'acme' });
    lists = new SuppressionLists({ db: db(), actor: 'tester' });
  });

  it('a file with an invalid line is refused whole, with skipping as the next step; skipInvalid adds the rest and lists it', async () => {
    const refused = await lists.add({ scope: { client: 'acme' }, targets: file('a@x.io\nnot an email\n'), reason: 'bounced' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AosError);
    expect((refused as AosError).hint).toBe('fix those lines, or add the valid ones with option skipInvalid');
    const added = await lists.add({ scope: { client: 'acme' }, targets: file('a@x.io\nnot an email\n'), reason: 'bounced', skipInvalid: true });
    expect(added).toMatchObject({ client: 'acme', added: 1, invalid: [{ line: 2, input: 'not an email' }] });
    expect('invalid' in (await lists.add({ scope: { client: 'acme' }, targets: { values: [{ value: 'b.io' }] }, reason: 'competitor' }))).toBe(false);
  });

  it('a file that holds no targets is refused', async () => {
    await expect(lists.add({ scope: { client: 'acme' }, targets: file('\n'), reason: 'bounced' })).rejects.toThrow('optouts.csv holds no targets');
  });

  it('the scope picks the list: the client\'s own, or the agency-wide one', async () => {
    await lists.add({ scope: { allClients: true }, targets: { values: [{ value: 'legal@firm.io' }] }, reason: 'do_not_contact' });
    const agency = [];
    for await (const e of lists.list({ scope: { allClients: true } })) agency.push(e.target);
    const own = [];
    for await (const e of lists.list({ scope: { client: 'acme' } })) own.push(e.target);
    expect(agency).toEqual(['legal@firm.io']);
    expect(own.sort()).toEqual(['a@x.io', 'b.io']);
    expect((await lists.history({ scope: { allClients: true } })).map((e) => e.target)).toEqual(['legal@firm.io']);
    const removed = await lists.remove({ scope: { client: 'acme' }, targets: { values: [{ value: 'b.io' }] } });
    expect(removed).toMatchObject({ client: 'acme', not_found: [], from_import: [] });
  });
});
