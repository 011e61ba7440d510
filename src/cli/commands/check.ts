import type { Command } from '@commander-js/extra-typings';
import { NO_BOM_HELP } from '../../csv/people-csv.js';
import { hintFileArgument, leadsInput, leadsOutcome, verdictOutcome } from '../check-mode.js';
import { clientOption, examples, jsonOption } from '../command-options.js';
import type { ContextProvider } from '../context.js';
import { renderVerdicts } from '../renderers/check.js';

const HELP = `${examples('aos check sarah@buildright.com.au --client acme', 'aos check https://shop.bigcorp.com/pricing bigcorp.co.uk --client acme --json',
  'cut -d, -f3 leads.csv | aos check - --client acme --json > verdicts.ndjson', 'aos check --file leads.csv --column Website --client acme --filter --rejected blocked.csv > safe.csv',
  'if aos check "$EMAIL" --client acme -q; then send_mail "$EMAIL"; fi', 'aos check jane@bigcorp.com --client acme --explain')}

A row is allowed only when every target in it was read and none is suppressed: every non-empty
cell of an email/website/domain/URL column is checked, and a line or cell that does not read as
a target makes its row invalid (exit 2, after every row is answered), never skipped.

Exit codes: 0 every target allowed · 1 any suppressed · 2 any invalid or bad usage · 3 database error ·
  4 the leads file could not be read to the end (every row before the stop answered, the rest not checked) ·
  70 internal error (a bug in aos) · 130 interrupted · 141 the reader of stdout went away.
--file may be an .xlsx workbook (its first sheet, or --sheet NAME).
"-" from a pipe answers each line as soon as nothing more is waiting, so a script can keep one
\`aos check - --json\` open as a co-process: write a target, read its answer line, write the next.
With --filter: 0, or 2 when a row was invalid (invalid rows go to --rejected, never to stdout).
-q prints nothing on stdout: the exit code is the answer.`;

// Each loaded only by the path that uses it (c.service imports it while the database opens).
const suppressionService = async () => (await import('../../services/suppression-service.js')).SuppressionService;
const explainService = async () => (await import('../../services/explain-service.js')).ExplainService;

export function registerCheckCommand(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  program
    .command('check')
    .description('is a domain, URL or email suppressed for a client? (exit 0 allowed, 1 suppressed, 2 invalid, 3 error)')
    .argument('[targets...]', 'domains, URLs or emails; "-" reads a leads file from stdin (one a line, or a CSV)')
    .addOption(clientOption())
    .option('--file <path>', 'read leads from a file: one target a line, or a CSV')
    .option('--column <name>', 'check this CSV column only (default: every email, website, domain or URL column)')
    .option('--filter', 'write only the allowed input lines to stdout, byte for byte (BOM, sep= line, header, allowed rows)')
    .option('--rejected <path>', 'with --filter: write the other rows there, with a reason column')
    .option('--no-bom', NO_BOM_HELP)
    .option('--encoding <name>', 'input encoding (default: detected; e.g. windows-1252, macintosh)')
    .option('--sheet <name>', 'with an .xlsx workbook: the sheet to check (default: the first)')
    .addOption(jsonOption('one JSON object per target or row (NDJSON, with "line" in bulk)'))
    .option('--explain', 'say why: the matching entry, how it covers, its source and history; nearby entries when allowed')
    .addHelpText('after', HELP)
    .action(async (targets, opts) => {
      const c = ctx();
      const input = leadsInput(targets, opts, c.output, c.signal);
      // Connecting waits on the network while the code loads: both at once.
      if (input) {
        const [{ checkLeads }, suppression] = await Promise.all([import('../check-leads.js'), c.service(suppressionService)]);
        return c.ended(leadsOutcome(await checkLeads(c, suppression, input, opts), Boolean(opts.filter)));
      }
      if (opts.explain) {
        const [explain, { renderExplained }] = await Promise.all([c.service(explainService), import('../renderers/check-explain.js')]);
        const results = await explain.explain(opts.client, targets);
        return c.list(results, renderExplained, opts.json, verdictOutcome(results));
      }
      const suppression = await c.service(suppressionService, {}, { brief: true });
      const outcomes = await suppression.checkMany(opts.client, targets);
      hintFileArgument(targets, outcomes, c.output);
      return c.list(c.output.quiet ? [] : outcomes, renderVerdicts, opts.json, verdictOutcome(outcomes)); // -q: the exit code is the answer
    });
}
