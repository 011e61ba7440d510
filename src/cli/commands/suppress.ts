import type { Command } from '@commander-js/extra-typings';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { BOM_HELP } from '../../csv/people-csv.js';
import { resolveExpiry } from '../../domain/expiry.js';
import { displayTarget } from '../../domain/display.js';
import { AosError } from '../../errors.js';
import type { TargetInput } from '../../services/suppression-service.js';
import { openInput } from '../inputs.js';
import { addAgencyWide, agencyWide, historyAgencyWide, listAgencyWide, removeAgencyWide } from './agency-list.js';
import type { ContextProvider } from '../context.js';

const WARN_EACH_MAX = 10;

/** A long list in one warning line: the first few, then how many more. */
function someOf(items: readonly string[]): string {
  const shown = items.slice(0, WARN_EACH_MAX).join(', ');
  return items.length > WARN_EACH_MAX ? `${shown} and ${items.length - WARN_EACH_MAX} more` : shown;
}

const REASONS = 'existing_customer, past_customer, competitor, partner, do_not_contact, bounced, unsubscribed';

async function collectTargets(args: string[], opts: { file?: string | undefined; column?: string | undefined }, signal: AbortSignal): Promise<TargetInput[]> {
  if (opts.file && args.length > 0) throw new AosError('usage', 'give targets as arguments or with --file, not both');
  if (!opts.file) return args.map((value) => ({ value }));
  const { readTargetRows } = await import('../../csv/target-rows.js');
  const input = openInput(opts.file, signal);
  const source = await readTargetRows(input.stream, { name: input.name, column: opts.column });
  const items: TargetInput[] = [];
  for await (const rows of source.rows) for (const row of rows) items.push({ value: row.value, line: row.line });
  if (items.length === 0) throw new AosError('input', `${input.name} holds no targets`);
  return items;
}

export function registerSuppressCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const suppress = program
    .command('suppress')
    .description('add, remove, list and audit suppression entries by hand')
    .addHelpText(
      'after',
      `
Examples:
  $ aos suppress add rival-agency.com --client acme --reason competitor
  $ aos suppress remove rival-agency.com --client acme
  $ aos suppress list --client acme --csv > suppressions.csv
  $ aos suppress history --client acme jane@bigcorp.com`,
    );

  const service = async () => {
    const c = ctx();
    const { SuppressionService } = await import('../../services/suppression-service.js');
    return { c, service: new SuppressionService({ db: await c.database(), actor: c.actor }) };
  };

  suppress
    .command('add')
    .description('suppress domains, URLs or emails for a client (adding an existing entry updates it)')
    .argument('[targets...]', 'domains, URLs (reduced to their hostname) or emails')
    .option('-c, --client <client>', 'client slug or id')
    .option('--all-clients', 'add to the agency-wide list: suppressed for every client')
    .requiredOption('-r, --reason <reason>', REASONS)
    .option('--expires <date>', 'expiry date (2027-03-31) or ISO timestamp')
    .option('--for <duration>', 'expire after a duration: 36h, 90d, 12w, 6m, 1y')
    .option('--note <text>', 'why, for the audit trail')
    .option('--file <path>', 'read targets from a file: one a line, or a CSV column (all lines validated first)')
    .option('--column <name>', 'CSV column holding the targets')
    .option('--force', 'allow weakening an existing entry (an opt-out\'s reason, a new or earlier expiry) and suppressing a whole free-mail domain (gmail.com…)')
    .option('--skip-invalid', 'with --file: add the valid lines and list the invalid ones (default: one invalid line refuses the file)')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
Examples:
  $ aos suppress add rival-agency.com --client acme --reason competitor --note "direct competitor"
  $ aos suppress add jane@bigcorp.com --client acme --reason unsubscribed
  $ aos suppress add partner.io --client acme --reason partner --for 90d
  $ aos suppress add --file bounces.csv --column Email --client acme --reason bounced
  $ aos suppress add --file optouts.txt --skip-invalid --client acme --reason unsubscribed
  $ aos suppress add complainer@bigcorp.com --all-clients --reason do_not_contact --note "legal request"`,
    )
    .action(async (targets, opts) => {
      const { c, service: s } = await service();
      let items = await collectTargets(targets, opts, c.signal);
      // --skip-invalid (issue 16): the invalid lines are set aside and listed, not added.
      const skipped = opts.skipInvalid ? await import('../../services/target-validation.js').then((m) => m.partitionTargets(items)) : null;
      if (skipped) items = skipped.valid;
      const result = await ((await agencyWide(opts))
        ? addAgencyWide(c, items, opts)
        : s.add({ client: opts.client as string, targets: items, reason: opts.reason, expiresAt: resolveExpiry(opts, new Date()), note: opts.note, force: Boolean(opts.force) })
      ).catch((e: unknown) => {
        // The library names the bad lines; the next step is a flag, which only the CLI knows.
        if (opts.file && !opts.skipInvalid && e instanceof AosError && e.code === 'input' && / invalid targets?, nothing written/.test(e.message) && !e.hint) {
          throw new AosError(e.code, e.message, 'fix those lines, or add the valid ones with --skip-invalid', { cause: e });
        }
        throw e;
      });
      if (opts.json) return c.output.json(skipped ? { ...result, invalid: skipped.invalid } : result);
      c.output.line(`${result.client}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged${skipped ? `, ${skipped.invalid.length} invalid skipped` : ''}`);
      const invalid = skipped?.invalid ?? [];
      for (const bad of invalid.slice(0, 50)) c.output.warn(`skipped ${bad.line !== null ? `line ${bad.line}` : 'argument'}: "${bad.input}": ${bad.error}`);
      if (invalid.length > 50) c.output.warn(`and ${invalid.length - 50} more invalid lines skipped (--json lists them all)`);
      const providers = 'mail_provider_domains' in result ? result.mail_provider_domains : [];
      if (providers.length > 0) {
        c.output.warn(`${someOf(providers)}: a mail provider that is also a company, so its customers' mailboxes there are suppressed too`);
      }
    });

  suppress
    .command('remove')
    .description('remove suppression entries (legal opt-outs need --force)')
    .argument('[targets...]', 'domains, URLs or emails')
    .option('-c, --client <client>', 'client slug or id')
    .option('--all-clients', 'remove from the agency-wide list')
    .option('--file <path>', 'read targets from a file')
    .option('--column <name>', 'CSV column holding the targets')
    .option('--force', 'also remove opt-outs: unsubscribed, do_not_contact and bounced entries')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos suppress remove rival-agency.com --client acme\n  $ aos suppress remove jane@bigcorp.com --client acme --force   # an unsubscribed entry')
    .action(async (targets, opts) => {
      const { c, service: s } = await service();
      if (await agencyWide(opts)) return removeAgencyWide(c, await collectTargets(targets, opts, c.signal), opts);
      const result = await s.remove({ client: opts.client as string, targets: await collectTargets(targets, opts, c.signal), force: Boolean(opts.force) });
      if (opts.json) return c.output.json(result);
      // Targets typed one by one get a line each; a file's thousands get a summary, like add.
      if (opts.file) {
        c.output.line(`${result.client}: ${result.removed.length} removed, ${result.not_found.length} not suppressed (nothing to remove)`);
      } else {
        for (const e of result.removed) c.output.line(`removed ${displayTarget(e.target)} (${e.reason})`);
        for (const t of result.not_found) c.output.line(`not suppressed: ${displayTarget(t)} (nothing to remove)`);
      }
      if (result.from_import.length > 0) {
        c.output.warn(`${someOf(result.from_import)} came from imported customers: the next import of those customers suppresses them again`);
      }
      const still = result.still_suppressed;
      if (opts.file && still.length > WARN_EACH_MAX) {
        c.output.warn(`${still.length} removed targets are still suppressed by a parent domain entry, e.g. ${still[0]?.target} by ${still[0]?.match}`);
      } else for (const o of still) c.output.warn(`${o.target} is still suppressed by the entry ${o.match} (${o.reason})`);
    });

  suppress
    .command('list')
    .description("list a client's suppression entries (or the agency-wide list)")
    .option('-c, --client <client>', 'client slug or id')
    .option('--all-clients', 'list the agency-wide entries')
    .option('-r, --reason <reason>', 'only this reason')
    .option('--all', 'include expired entries')
    .option('--json', 'NDJSON, one entry a line')
    .option('--csv', 'CSV (spreadsheet formulas neutralized)')
    .option('--bom', BOM_HELP)
    .addHelpText('after', '\nExamples:\n  $ aos suppress list --client acme\n  $ aos suppress list --client acme --reason unsubscribed --csv > optouts.csv\n  $ aos suppress list --all-clients')
    .action(async (opts) => {
      const { c, service: s } = await service();
      if (opts.json && opts.csv) throw new AosError('usage', 'choose --json or --csv, not both');
      if (opts.bom && !opts.csv) throw new AosError('usage', '--bom goes with --csv');
      const entries = (await agencyWide(opts))
        ? await listAgencyWide(c, { reason: opts.reason, includeExpired: Boolean(opts.all) })
        : s.list({ client: opts.client as string, reason: opts.reason, includeExpired: Boolean(opts.all) });
      if (opts.csv) {
        const { peopleCsv } = await import('../../csv/people-csv.js');
        const columns = ['kind', 'target', 'reason', 'source', 'expires_at', 'notes', 'company_name', 'created_by', 'created_at', 'updated_at'] as const;
        const csv = await peopleCsv(c.output.stdoutStream, { bom: Boolean(opts.bom) });
        csv.write([...columns]);
        // A spreadsheet is for people: IDN targets in Unicode (--json keeps the ASCII form).
        for await (const e of entries) csv.write(columns.map((k) => neutralizeFormula(k === 'target' ? displayTarget(e.target) : String(e[k] ?? ''))));
        csv.end();
        await new Promise((resolve) => csv.on('end', resolve));
        return;
      }
      let n = 0;
      const rows: string[][] = [];
      for await (const e of entries) {
        n++;
        if (opts.json) c.output.json(e);
        else rows.push([displayTarget(e.target), e.reason, e.source ?? '', e.expires_at ?? '-', e.notes ?? '']);
      }
      if (!opts.json) {
        if (n === 0) return c.output.info('no entries');
        c.output.table(['target', 'reason', 'source', 'expires', 'notes'], rows);
      }
    });

  suppress
    .command('history')
    .description('the audit trail of suppression changes')
    .argument('[target]', 'only this domain or email')
    .option('-c, --client <client>', 'client slug or id')
    .option('--all-clients', 'the agency-wide list\'s trail')
    .option('--json', 'NDJSON, one event a line')
    .addHelpText('after', '\nExamples:\n  $ aos suppress history --client acme\n  $ aos suppress history jane@bigcorp.com --client acme --json\n  $ aos suppress history --all-clients')
    .action(async (target, opts) => {
      const { c, service: s } = await service();
      const events = (await agencyWide(opts)) ? await historyAgencyWide(c, target) : await s.history({ client: opts.client as string, target });
      if (opts.json) return events.forEach((e) => c.output.json(e));
      if (events.length === 0) return c.output.info('no changes recorded');
      c.output.table(
        ['at', 'action', 'target', 'reason', 'actor', 'source'],
        events.map((e) => [e.at ?? '', e.action, displayTarget(e.target), e.action === 'update' ? `${e.reason_before} → ${e.reason_after}` : (e.reason_after ?? e.reason_before ?? ''), e.actor, e.source]),
      );
    });
}
