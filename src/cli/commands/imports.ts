import { withoutControls as safe } from '../../domain/printable.js';
import type { Command } from '@commander-js/extra-typings';
import type { ContextProvider } from '../context.js';

const shortId = (id: string) => id.slice(0, 8);

const COUNTS = ['rows_read', 'inserted', 'updated', 'unchanged', 'merged', 'rejected', 'skipped', 'values_dropped', 'suppressions_added', 'suppressions_updated', 'signals_refreshed'];
const COUNT_ORDER = (k: string) => (COUNTS.includes(k) ? COUNTS.indexOf(k) : COUNTS.length);

function mappingLines(mapping: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const fields = mapping.fields && typeof mapping.fields === 'object' ? Object.entries(mapping.fields as Record<string, unknown>) : [];
  fields.forEach(([field, column], i) => lines.push(`  ${i === 0 ? 'mapping   ' : '          '} ${field} ← ${JSON.stringify(column)}`));
  for (const [k, v] of Object.entries(mapping)) {
    if (k === 'fields' || v === null || v === undefined) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    const text = typeof v === 'object' ? Object.entries(v as Record<string, unknown>).map(([a, b]) => `${a}=${String(b)}`).join(', ') : String(v);
    lines.push(`  ${k.replaceAll('_', ' ').padEnd(10)} ${text}`);
  }
  return lines;
}

export function registerImportsCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const imports = program
    .command('imports')
    .description('past import runs: list, show, undo')
    .addHelpText('after', '\nExamples:\n  $ aos imports list --client acme\n  $ aos imports show 3f2a9c1e\n  $ aos imports undo 3f2a9c1e --dry-run');
  const service = async () => {
    const c = ctx();
    const { ImportRunService } = await import('../../services/import-run-service.js');
    return { c, service: new ImportRunService({ db: await c.database(), actor: c.actor }) };
  };

  imports
    .command('list')
    .description("a client's import runs, newest first")
    .requiredOption('-c, --client <client>', 'client slug or id')
    .option('--json', 'NDJSON, one run a line')
    .addHelpText('after', '\nExamples:\n  $ aos imports list --client acme\n  $ aos imports list --client acme --json | jq -r .id')
    .action(async (opts) => {
      const { c, service: s } = await service();
      const runs = await s.list({ client: opts.client });
      if (opts.json) return runs.forEach((r) => c.output.json(r));
      if (runs.length === 0) return c.output.info('no imports yet');
      c.output.table(
        ['run', 'finished', 'file', 'rows', 'ins', 'upd', 'same', 'rej', 'actor', 'status', 'sha256'],
        runs.map((r) => [shortId(r.id), r.finished_at ?? '', r.file_name, String(r.rows ?? '-'), String(r.counts.inserted ?? '-'), String(r.counts.updated ?? '-'),
          String(r.counts.unchanged ?? '-'), String(r.counts.rejected ?? '-'), r.actor, r.status, r.sha256.slice(0, 12)]),
      );
    });

  imports
    .command('show')
    .description('one import run: file, checksum, mapping, counts and the rows it changed')
    .argument('<run>', 'the run id, or its first 8 characters')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos imports show 3f2a9c1e\n  $ aos imports show 3f2a9c1e --json')
    .action(async (ref, opts) => {
      const { c, service: s } = await service();
      const r = await s.show(ref);
      if (opts.json) return c.output.json(r);
      c.output.line(safe(`import run ${r.id} (client ${r.client})`));
      c.output.line(safe(`  file       ${r.file_name}  sha256 ${r.sha256}`));
      c.output.line(safe(`  by         ${r.actor}, ${r.started_at} → ${r.finished_at}`));
      c.output.line(safe(`  status     ${r.status}${r.undone_at ? ` at ${r.undone_at} by ${r.undone_by}` : ''}${r.undoable ? '' : ' (no change log: cannot be undone)'}`));
      c.output.line(safe(`  counts     ${Object.entries(r.counts).sort(([a], [b]) => COUNT_ORDER(a) - COUNT_ORDER(b)).map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`).join(', ')}`));
      // The mapping is stored as JSON with nested objects: print the fields as `field ← "column"`
      // and only the settings that were given (a nested object printed as-is is "[object Object]").
      for (const line of mappingLines(r.mapping)) c.output.line(safe(line));
      const ch = r.changes;
      c.output.line(safe(`  customers  ${ch.customers_inserted} inserted, ${ch.customers_updated} updated, ${ch.customers_deleted} deleted`));
      c.output.line(safe(`  entries    ${ch.entries_inserted} inserted, ${ch.entries_updated} updated, ${ch.entries_deleted} deleted`));
    });

  imports
    .command('undo')
    .description('put every customer and entry an import run changed back as it was before the run')
    .argument('<run>', 'the run id, or its first 8 characters')
    .option('--dry-run', 'say what would change, change nothing')
    .option('--force', "undo this run's part only, keeping rows changed since by a later run or by hand")
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      `
One transaction, audited as an undo (aos suppress history shows it). An undo never removes or
weakens an opt-out (unsubscribed, do_not_contact). It refuses, naming them, when a later import
or a manual change touched the same rows; undo the later runs first, or pass --force.

Examples:
  $ aos imports undo 3f2a9c1e --dry-run
  $ aos imports undo 3f2a9c1e
  $ aos imports undo 3f2a9c1e --force --json`,
    )
    .action(async (ref, opts) => {
      const { c, service: s } = await service();
      const r = await s.undo({ run: ref, dryRun: Boolean(opts.dryRun), force: Boolean(opts.force) });
      if (opts.json) return c.output.json(r);
      const verb = r.dry_run ? 'would undo' : 'undid';
      c.output.line(safe(`${verb} import run ${shortId(r.run)} (${r.file_name}, client ${r.client}):`));
      c.output.line(safe(`  customers ${r.customers_removed} removed, ${r.customers_restored} restored; entries ${r.entries_removed} removed, ${r.entries_restored} restored; ${r.signals_refreshed} signals refreshed`));
      for (const k of r.conflicts_kept) c.output.warn(`kept ${k.table} ${k.target} as it is now: ${k.change} since the run`);
      for (const t of r.opt_outs_kept) c.output.warn(`kept opt-out ${t}: an undo never removes or weakens an opt-out`);
    });
}
