import type { Command } from '@commander-js/extra-typings';
import { once } from 'node:events';
import { AosError } from '../../errors.js';
import { parsePositiveInteger } from '../../domain/numbers.js';
import { withoutControls } from '../../domain/printable.js';
import { displayTarget, targetAsTyped } from '../../domain/display.js';
import { openInput } from '../inputs.js';
import { BOM_HELP } from '../../csv/people-csv.js';
import type { ContextProvider } from '../context.js';
import type { BuyerSignalView, SignalView } from '../../services/buyer-signal-service.js';

/** Full signal or the anonymous four fields (the service's isFullSignal, without loading it here). */
const isFullSignal = (v: SignalView): v is BuyerSignalView => 'company_name' in v;

export function registerSignalsCommands(program: Command<[], Record<string, unknown>>, ctx: ContextProvider): void {
  const signals = program
    .command('signals')
    .description('anonymous platform-wide buyer signals per company domain')
    .addHelpText('after', '\nExamples:\n  $ aos signals rebuild\n  $ aos signals show buildright.com.au\n  $ aos signals top --limit 10\n  $ aos signals boost --file leads.csv > scored-leads.csv');
  // k of SPEC §8 "Anonymity" is the deployment's setting (AOS_SIGNALS_K), not a per-command flag,
  // so that no script lowers it by accident.
  let minClients = 0;
  const service = async () => {
    const c = ctx();
    const { BuyerSignalService, scoringDomainOf, DEFAULT_MIN_CLIENTS } = await import('../../services/buyer-signal-service.js');
    const k = process.env.AOS_SIGNALS_K;
    minClients = k === undefined || k.trim() === '' ? DEFAULT_MIN_CLIENTS : parsePositiveInteger('AOS_SIGNALS_K', k);
    return { c, service: new BuyerSignalService({ db: await c.database(), minClients }), scoringDomainOf };
  };

  signals
    .command('rebuild')
    .description('recompute every signal from all customers of all clients, in one transaction')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  $ aos signals rebuild\n  $ aos signals rebuild --json | jq .distribution')
    .action(async (opts) => {
      const { c, service: s } = await service();
      const spinner = await c.output.spinner('rebuilding buyer signals…');
      const result = await s.rebuild();
      spinner.stop();
      if (opts.json) return c.output.json(result);
      c.output.line(`rebuilt ${result.domains} domain signals in ${result.seconds}s: ${result.changed === 0 ? 'nothing changed' : `${result.changed} changed`}`);
      c.output.table(['buyer_score', 'domains'], Object.entries(result.distribution).map(([score, n]) => [score, String(n)]));
    });

  signals
    .command('show')
    .description('the signal of each domain (URLs and emails are reduced to their company domain)')
    .argument('<targets...>', 'domains, URLs or emails')
    .option('--json', 'NDJSON, one object per target')
    .addHelpText('after', '\nExamples:\n  $ aos signals show buildright.com.au\n  $ aos signals show https://www.bigcorp.com sarah@acme.co.uk --json')
    .action(async (targets, opts) => {
      const { c, service: s } = await service();
      let invalid = 0;
      for (const [i, sig] of (await s.show(targets)).entries()) {
        if ('signal' in sig && sig.error) invalid++;
        if (opts.json) c.output.json(sig);
        else if ('signal' in sig) c.output.line(`${withoutControls(sig.input)}: ${sig.error ? `invalid (${sig.error})` : 'no signal'}`);
        else {
          c.output.line(`${withoutControls(targetAsTyped(sig.domain, targets[i] ?? sig.domain))}  score ${sig.buyer_score}  boost +${sig.buyer_boost}`);
          const bought = `bought from ${sig.times_bought} agenc${sig.times_bought === 1 ? 'y' : 'ies'}`;
          if (!isFullSignal(sig)) {
            c.output.line(`  ${bought}; details withheld (shown from ${minClients} agencies, to keep clients anonymous)`);
            continue;
          }
          // Names, industries and services come from clients' files: shown, never interpreted.
          const services = sig.services_bought.map(withoutControls).join(', ') || '-';
          c.output.line(`  ${bought}; services: ${services}; avg deal ${sig.avg_deal_value ?? '-'}`);
          c.output.line(`  ${[sig.company_name, sig.industry, sig.employee_count_range].filter(Boolean).map((v) => withoutControls(v as string)).join(' · ')}`);
        }
      }
      // Every target is answered first; an invalid one then fails the command, as in `check`.
      if (invalid > 0) throw new AosError('input', `${invalid} invalid target${invalid === 1 ? '' : 's'}`, 'give domains, URLs or emails');
    });

  signals
    .command('top')
    .description('the strongest buyer signals')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'NDJSON, one signal a line')
    .addHelpText('after', '\nExamples:\n  $ aos signals top --limit 10')
    .action(async (opts) => {
      const { c, service: s } = await service();
      const top = await s.top(parsePositiveInteger('--limit', opts.limit));
      if (opts.json) return top.forEach((sig) => c.output.json(sig));
      if (top.length === 0) return c.output.info('no signals yet: import customers or run `aos signals rebuild`');
      const withheld = '(withheld)';
      c.output.table(
        ['domain', 'score', 'boost', 'bought', 'services', 'avg deal', 'industry'],
        top.map((sig) =>
          isFullSignal(sig)
            ? [displayTarget(sig.domain), String(sig.buyer_score), `+${sig.buyer_boost}`, `${sig.times_bought}x`, sig.services_bought.map(withoutControls).join(',') || '-', sig.avg_deal_value ?? '-', sig.industry ? withoutControls(sig.industry) : '-']
            : [displayTarget(sig.domain), String(sig.buyer_score), `+${sig.buyer_boost}`, `${sig.times_bought}x`, withheld, withheld, withheld],
        ),
      );
      if (top.some((sig) => !isFullSignal(sig))) c.output.info(`details of domains fewer than ${minClients} agencies bought are withheld, to keep clients anonymous`);
    });

  signals
    .command('boost')
    .description('lead-score boost (0-15) per target; for a leads CSV, the same CSV with buyer_score and buyer_boost appended')
    .argument('[targets...]', 'domains, URLs or emails')
    .option('--file <path>', 'leads CSV (or - for stdin)')
    .option('--column <name>', 'column holding the domain, URL or email (default: the first that holds them)')
    .option('--json', 'NDJSON for targets given as arguments')
    .option('--bom', BOM_HELP)
    .addHelpText('after', '\nExamples:\n  $ aos signals boost buildright.com.au\n  $ aos signals boost --file leads.csv --column Website > scored-leads.csv')
    .action(async (targets, opts) => {
      const { c, service: s, scoringDomainOf: scoringDomain } = await service();
      const { scoreBoost } = await import('../../domain/buyer-score.js');
      if (opts.file && targets.length > 0) throw new AosError('usage', 'give targets as arguments or with --file, not both');
      if (!opts.file) {
        if (targets.length === 0) throw new AosError('usage', 'no targets given', 'pass domains, URLs or emails, or --file leads.csv');
        const { parseTarget } = await import('../../domain/targets.js');
        const parsed = targets.map((t) => parseTarget(t));
        const domains = targets.map(scoringDomain);
        const scores = await s.scores(domains.filter((d): d is string => d !== null));
        let invalid = 0;
        targets.forEach((t, i) => {
          const p = parsed[i];
          if (p && !p.ok) {
            invalid++;
            if (opts.json) c.output.json({ input: t, error: p.error });
            else c.output.line(`${withoutControls(t)}\tinvalid (${p.error})`);
            return;
          }
          const score = domains[i] ? (scores.get(domains[i] as string) ?? null) : null;
          const row = { input: t, domain: domains[i] ?? null, buyer_score: score, buyer_boost: scoreBoost(score) };
          if (opts.json) c.output.json(row);
          else c.output.line(`${withoutControls(t)}\t${score ?? '-'}\t+${row.buyer_boost}`);
        });
        if (invalid > 0) throw new AosError('input', `${invalid} invalid target${invalid === 1 ? '' : 's'}`, 'give domains, URLs or emails');
        return;
      }
      const { readLeadRows } = await import('../../csv/target-rows.js');
      const { leadTargets, isLeadInvalid } = await import('../../domain/lead-policy.js');
      const { peopleCsv } = await import('../../csv/people-csv.js');
      const input = openInput(opts.file, c.signal);
      // As check reads a lead (SPEC §8): its email first, then its website where the email gives no signal.
      const source = await readLeadRows(input.stream, { name: input.name, column: opts.column });
      const csv = await peopleCsv(c.output.stdoutStream, { delimiter: source.delimiter, bom: Boolean(opts.bom) });
      if (source.header) csv.write([...source.header.fields, 'buyer_score', 'buyer_boost']);
      let batch: Array<{ fields: string[]; domains: string[] }> = [];
      const flush = async () => {
        const scores = await s.scores(batch.flatMap((r) => r.domains));
        for (const r of batch) {
          const score = r.domains.map((d) => scores.get(d)).find((x) => x !== undefined) ?? null;
          if (!csv.write([...r.fields, score === null ? '' : String(score), String(scoreBoost(score))])) await once(csv, 'drain');
        }
        batch = [];
      };
      for await (const rows of source.rows) {
        for (const row of rows) {
          // The row's targets in check's order (emails first): an invalid row scores nothing.
          const lead = leadTargets(row.cells, row.loose);
          const domains = isLeadInvalid(lead) ? [] : lead.map((t) => scoringDomain(t.input)).filter((d): d is string => d !== null);
          batch.push({ fields: row.fields, domains });
        }
        if (batch.length >= 5000) await flush();
      }
      await flush();
      csv.end();
      await once(csv, 'end');
    });
}
