import { BOM_HELP } from '../../csv/people-csv.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { Command } from '@commander-js/extra-typings';
import { neutralizeFormula } from '../../csv/neutralize.js';
import { AosError } from '../../errors.js';
import type { ContextProvider } from '../context.js';

const CSV_COLUMNS = ['company_name', 'domain', 'contact_email', 'contact_name', 'status', 'customer_since', 'churned_at', 'deal_value', 'source', 'external_id', 'id', 'updated_at'] as const;

export function registerCustomersCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const customers = program
    .command('customers')
    .description("see and remove a client's imported customers")
    .addHelpText('after', '\nExamples:\n  $ aos customers list --client acme --search build\n  $ aos customers show buildright.com.au --client acme\n  $ aos customers remove piedpiper.com --client acme');
  const service = async () => {
    const c = ctx();
    const { CustomerService } = await import('../../services/customer-service.js');
    return { c, service: new CustomerService({ db: await c.database(), actor: c.actor }) };
  };

  customers
    .command('list')
    .description("list a client's customers by company name")
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--search <text>', 'only customers whose name, domain or contact holds this text')
    .option('--status <status>', 'only customers of this status: active, churned, partner, competitor')
    .option('--json', 'NDJSON, one customer a line')
    .option('--csv', 'CSV (spreadsheet formulas neutralized)')
    .option('--bom', BOM_HELP)
    .addHelpText('after', '\nExamples:\n  $ aos customers list --client acme\n  $ aos customers list --client acme --status churned --csv --bom > churned.csv\n  $ aos customers list --client acme --search build --json')
    .action(async (opts) => {
      if (opts.json && opts.csv) throw new AosError('usage', 'choose --json or --csv, not both');
      if (opts.bom && !opts.csv) throw new AosError('usage', '--bom goes with --csv');
      const { c, service: s } = await service();
      const list = s.list({ client: opts.client, search: opts.search, status: opts.status });
      if (opts.csv) {
        const { stringify } = await import('csv-stringify');
        const csv = stringify({ bom: Boolean(opts.bom), header: true, columns: [...CSV_COLUMNS] });
        csv.pipe(c.output.stdoutStream as NodeJS.WritableStream);
        for await (const cu of list) csv.write(CSV_COLUMNS.map((k) => neutralizeFormula(String(cu[k] ?? ''))));
        csv.end();
        await new Promise((resolve) => csv.on('end', resolve));
        return;
      }
      const rows: string[][] = [];
      for await (const cu of list) {
        if (opts.json) c.output.json(cu);
        else rows.push([cu.company_name, cu.domain ?? '-', cu.contact_email ?? '-', cu.status, cu.deal_value ?? '-', cu.source]);
      }
      if (opts.json) return;
      if (rows.length === 0) return c.output.info('no customers');
      c.output.table(['company', 'domain', 'contact', 'status', 'deal_value', 'source'], rows);
    });

  customers
    .command('show')
    .description('one customer: its fields, its suppression entries, the import runs that touched it')
    .argument('<target>', "the customer's domain (or a URL), contact email, company name or id")
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos customers show buildright.com.au --client acme\n  $ aos customers show "Pied Piper" --client acme --json')
    .action(async (target, opts) => {
      const { c, service: s } = await service();
      const d = await s.show({ client: opts.client, target });
      if (opts.json) return c.output.json(d);
      const cu = d.customer;
      c.output.line(safe(`${cu.company_name}  (${cu.status}, client ${d.client}, id ${cu.id})`));
      const fields: Array<[string, string | null]> = [
        ['domain', cu.domain], ['contact', [cu.contact_name, cu.contact_email].filter(Boolean).join(' ') || null], ['title', cu.contact_title],
        ['industry', cu.industry], ['employees', cu.employee_count_range], ['customer since', cu.customer_since], ['churned at', cu.churned_at],
        ['deal value', cu.deal_value], ['services', cu.services?.join(',') || null], ['external id', cu.external_id], ['source', cu.source], ['updated', cu.updated_at],
      ];
      for (const [k, v] of fields) if (v) c.output.line(safe(`  ${k.padEnd(15)}${v}`));
      c.output.line(safe('entries:'));
      if (d.entries.length === 0) c.output.line(safe('  none: nothing suppresses this customer'));
      for (const e of d.entries) c.output.line(safe(`  ${e.target}  ${e.reason}  source ${e.source ?? '-'}${e.expires_at ? `  expires ${e.expires_at}` : ''}${e.linked ? '' : '  (not linked to this customer)'}`));
      c.output.line(safe('import runs:'));
      if (d.import_runs.length === 0) c.output.line(safe('  none recorded'));
      for (const r of d.import_runs) c.output.line(safe(`  ${r.id.slice(0, 8)}  ${r.finished_at}  ${r.file_name}  ${r.change} by ${r.actor}${r.status === 'completed' ? '' : `  (${r.status})`}`));
    });

  customers
    .command('remove')
    .description('remove a customer and the imported entries only it holds (opt-outs and manual entries stay)')
    .argument('<target>', "the customer's domain (or a URL), contact email, company name or id")
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos customers remove piedpiper.com --client acme\n  $ aos customers remove "Hooli" --client acme --json')
    .action(async (target, opts) => {
      const { c, service: s } = await service();
      const r = await s.remove({ client: opts.client, target });
      if (opts.json) return c.output.json(r);
      c.output.line(safe(`removed customer ${r.customer.company_name} (${r.customer.domain ?? r.customer.contact_email ?? r.customer.id}) from ${r.client}`));
      for (const e of r.entries_removed) c.output.line(safe(`removed entry ${e.target} (${e.reason})`));
      const why = { opt_out: 'an opt-out', manual: 'added by hand', other_customer: 'another customer holds it' };
      for (const e of r.entries_kept) c.output.line(safe(`kept entry ${e.target} (${e.reason}): ${why[e.why]}`));
      c.output.warn('the next import that holds this customer brings it back');
    });
}
