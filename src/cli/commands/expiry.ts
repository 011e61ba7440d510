// Expiry policy commands (issue 16): `aos clients set … --expire` and `aos suppress expiring`,
// kept in their own file beside the clients and suppress commands they join.
import { BOM_HELP } from '../../csv/people-csv.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { Command } from '@commander-js/extra-typings';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { AosError } from '../../errors.js';
import type { ContextProvider } from '../context.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const subcommand = (program: Command<[], Record<string, unknown>>, name: string) => program.commands.find((c) => c.name() === name) ?? program.command(name);

export function registerExpiryCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const service = async () => {
    const c = ctx();
    const { ExpiryPolicyService } = await import('../../services/expiry-policy-service.js');
    return { c, service: new ExpiryPolicyService({ db: await c.database(), actor: c.actor }) };
  };

  subcommand(program, 'clients')
    .command('set')
    .description("change a client's settings: the default expiry of new entries per reason")
    .argument('<client>', 'client slug or id')
    .option('--expire <reason=duration>', 'default expiry of new entries of a reason (past_customer=24m; none drops it); repeatable', collect)
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
A default applies to entries added after it is set, by hand or by an import, that have no expiry
of their own. Opt-outs (unsubscribed, do_not_contact, bounced) and existing_customer never get one.

Examples:
  $ aos clients set acme --expire past_customer=24m
  $ aos clients set acme --expire competitor=12m --expire partner=6m
  $ aos clients set acme --expire past_customer=none`,
    )
    .action(async (client, opts) => {
      const { c, service: s } = await service();
      const result = await s.set({ client, expire: opts.expire ?? [] });
      if (opts.json) return c.output.json(result);
      const defaults = Object.entries(result.expiry_defaults);
      c.output.line(safe(`${result.client}: default expiry ${defaults.length ? defaults.map(([r, p]) => `${r} ${p}`).join(', ') : 'none'}`));
    });

  subcommand(program, 'suppress')
    .command('expiring')
    .description('entries that lapse soon, soonest first: win-backs are a decision, not an accident')
    .option('-c, --client <client>', 'client slug or id')
    .option('--all', 'every client')
    .requiredOption('--within <duration>', 'how far ahead: 30d, 12w, 6m')
    .option('--json', 'NDJSON, one entry a line')
    .option('--csv', 'CSV (spreadsheet formulas neutralized)')
    .option('--bom', BOM_HELP)
    .addHelpText('after', '\nExamples:\n  $ aos suppress expiring --client acme --within 30d\n  $ aos suppress expiring --all --within 12w --csv --bom > lapsing.csv')
    .action(async (opts) => {
      if (Boolean(opts.client) === Boolean(opts.all)) throw new AosError('usage', 'give --client C or --all (one of them)');
      if (opts.json && opts.csv) throw new AosError('usage', 'choose --json or --csv, not both');
      if (opts.bom && !opts.csv) throw new AosError('usage', '--bom goes with --csv');
      const { c, service: s } = await service();
      const entries = s.expiring({ client: opts.client, within: opts.within });
      const columns = ['client', 'kind', 'target', 'reason', 'expires_at', 'source', 'company_name', 'notes'] as const;
      if (opts.csv) {
        const { stringify } = await import('csv-stringify');
        const csv = stringify({ bom: Boolean(opts.bom), header: true, columns: [...columns] });
        csv.pipe(c.output.stdoutStream as NodeJS.WritableStream);
        for await (const e of entries) csv.write(columns.map((k) => neutralizeFormula(String(e[k] ?? ''))));
        csv.end();
        await new Promise((resolve) => csv.on('end', resolve));
        return;
      }
      const rows: string[][] = [];
      for await (const e of entries) {
        if (opts.json) c.output.json(e);
        else rows.push([e.expires_at, e.client, e.target, e.reason, e.source ?? '-', e.company_name ?? '']);
      }
      if (opts.json) return;
      if (rows.length === 0) return c.output.info(`nothing expires within ${opts.within}`);
      c.output.table(['expires', 'client', 'target', 'reason', 'source', 'company'], rows);
    });
}
