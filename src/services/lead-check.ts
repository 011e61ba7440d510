// A bulk check of leads (SPEC §6) as one workflow: every lead answered in input order and counted.
// Without a filter, each batch of answers goes to the output as the caller words it (NDJSON, text
// lines, or nothing); with one, the allowed rows go there as their own bytes (after the input's
// BOM, sep= line and header) and the others, with a reason column, to a rejects CSV. The caller
// reads the input (in this thread or another) and names the streams; this decides what goes where.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { LeadRow, LeadRows } from '../csv/target-rows.js';
import { displayTarget } from '../domain/display.js';
import { incompleteReading, untilStopped } from './incomplete-reading.js';
import type { CheckOutcome, SuppressionService } from './suppression-service.js';

/** How many leads a check answered each way. */
export interface LeadCheckTally {
  allowed: number;
  suppressed: number;
  invalid: number;
}

/** Leads as readLeadRows gives them; `large` when many are coming (see SuppressionService.checkStream). */
export interface LeadSource extends LeadRows {
  large?: boolean | undefined;
  /** Stops the reader early; without it the rows generator is returned. */
  close?: (() => Promise<void>) | undefined;
}

export interface LeadCheckOptions {
  client: string;
  signal?: AbortSignal | undefined;
  /** Where the answers go: the allowed rows' bytes with `filter`, else what `report` makes of them. */
  output: NodeJS.WritableStream;
  /** Sort the leads: the allowed rows to `output` byte for byte (read them with `keepRaw`). */
  filter?: boolean | undefined;
  /** With `filter`: the other rows, as a CSV in the input's columns and delimiter plus a reason. */
  rejected?: { open(): NodeJS.WritableStream; bom: boolean } | undefined;
  /** Without `filter`: a batch of answers as text for `output` (a line a lead, say); none writes nothing. */
  report?: ((rows: readonly LeadRow[], outcomes: readonly CheckOutcome[]) => string) | undefined;
}

type Rejects = { write(row: LeadRow, outcome: CheckOutcome): void; close(): Promise<void> };

export function countOutcome(tally: LeadCheckTally, o: CheckOutcome): void {
  if ('error' in o) tally.invalid++;
  else if (o.suppressed) tally.suppressed++;
  else tally.allowed++;
}

export const checkedLeads = (tally: LeadCheckTally): number => tally.allowed + tally.suppressed + tally.invalid;

/** Why a row is not let through, in the rejects CSV's last column. */
const rejectReason = (o: CheckOutcome): string => ('error' in o ? `invalid: ${o.error}` : `${o.reason} (${displayTarget(o.match ?? '')})`);

async function write(out: NodeJS.WritableStream, data: string | Uint8Array): Promise<void> {
  if (!out.write(data)) await once(out, 'drain');
}

async function openRejects(source: LeadSource, rejected: NonNullable<LeadCheckOptions['rejected']>): Promise<Rejects> {
  const { peopleCsv } = await import('../csv/people-csv.js');
  const file = rejected.open();
  const csv = await peopleCsv(file, { delimiter: source.delimiter, bom: rejected.bom });
  if (source.header) csv.write([...source.header.fields, 'reason']);
  return {
    write: (row, outcome) => csv.write([...row.fields, rejectReason(outcome)]),
    close: async () => {
      csv.end();
      await finished(file);
    },
  };
}

export class LeadCheck {
  /** Leads answered so far: all of them once run() resolves, how far it got when it throws. */
  readonly tally: LeadCheckTally = { allowed: 0, suppressed: 0, invalid: 0 };

  constructor(
    private readonly suppression: SuppressionService,
    private readonly options: LeadCheckOptions,
  ) {}

  /**
   * Resolves the client before `open` reads anything (reading stdin waits for a sample of rows,
   * so a typo must fail first), then streams the leads through the check; the source is closed
   * however it ends.
   */
  async run(open: () => Promise<LeadSource>): Promise<LeadCheckTally> {
    const { client, signal, output, filter } = this.options;
    await this.suppression.resolveClient(client);
    const source = await open();
    try {
      const rejects = filter && this.options.rejected ? await openRejects(source, this.options.rejected) : undefined;
      // What is no lead passes through as it came: the BOM, Excel's sep= line, the header.
      if (filter) await write(output, Buffer.concat([source.preamble, source.header?.raw ?? Buffer.alloc(0)]));
      const reading = untilStopped(source.rows, signal);
      for await (const { rows, outcomes } of this.suppression.checkStream(client, reading.rows, { signal, large: Boolean(source.large) })) {
        for (const o of outcomes) countOutcome(this.tally, o);
        // Each batch goes out as one write: a million lines must not mean a million syscalls.
        const chunk = filter ? this.sort(rows, outcomes, rejects) : (this.options.report?.(rows, outcomes) ?? '');
        if (chunk.length > 0) await write(output, chunk);
      }
      await rejects?.close();
      if (reading.stopped) throw incompleteReading({ command: 'check', done: 'answered', notDone: 'checked' }, reading, checkedLeads(this.tally));
    } finally {
      await (source.close ? source.close() : source.rows.return(undefined));
    }
    return this.tally;
  }

  /** A batch's allowed rows as their bytes; the others to the rejects. */
  private sort(rows: readonly LeadRow[], outcomes: readonly CheckOutcome[], rejects: Rejects | undefined): Buffer {
    const allowed: Buffer[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as LeadRow;
      const outcome = outcomes[i] as CheckOutcome;
      if (!('error' in outcome) && !outcome.suppressed) allowed.push(row.raw ?? Buffer.alloc(0));
      else rejects?.write(row, outcome);
    }
    return Buffer.concat(allowed);
  }
}
