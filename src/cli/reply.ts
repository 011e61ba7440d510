// What a command's action returns: its result, how a person sees it, and its outcome. A command
// writes nothing itself (a bulk check and a scored CSV stream their own rows, and return only the
// outcome); src/cli/main.ts alone shows a reply and turns its outcome into the exit code.
import type { OptionValues } from '@commander-js/extra-typings';
import type { ListingCsvOptions } from '../csv/listing-csv.js';
import type { AosError, Outcome } from '../errors.js';
import type { Output } from './output.js';

/**
 * How the command ended, beyond success: an outcome of EXIT_CODES, or an error that fails the
 * command after its result is shown (every target answered, then "2 invalid targets").
 */
export type ReplyOutcome = Outcome | AosError;

/** One result: JSON with --json, else its renderer's text. */
export interface ShownReply {
  kind: 'shown';
  result: unknown;
  render(result: unknown, out: Output): void;
  json: boolean;
  outcome?: ReplyOutcome | undefined;
}

/**
 * A list: with --json, NDJSON, each line written as its item arrives (a long list never waits in
 * memory); with `csv`, a CSV row per item as it arrives; otherwise the renderer gets them all.
 */
export interface ListedReply {
  kind: 'listed';
  items: Iterable<unknown> | AsyncIterable<unknown>;
  render(items: unknown[], out: Output): void;
  json: boolean;
  csv?: ListingCsvOptions<ListingRow, string> | undefined;
  outcome?: ReplyOutcome | undefined;
}

/** A command that wrote its own output (a streamed bulk check), or wrote none: only its outcome. */
export interface OutcomeReply {
  kind: 'outcome';
  outcome: ReplyOutcome;
}

type ListingRow = Partial<Record<string, unknown>>;

export type Reply = ShownReply | ListedReply | OutcomeReply;

/** Writes a reply's result to stdout (main.ts, after the action returned it). */
export async function showReply(reply: Reply, out: Output): Promise<void> {
  if (reply.kind === 'shown') {
    if (reply.json) out.json(reply.result);
    else reply.render(reply.result, out);
  } else if (reply.kind === 'listed') {
    if (reply.csv) {
      const { writeListingCsv } = await import('../csv/listing-csv.js');
      await writeListingCsv(out.stdoutStream, reply.items as Iterable<ListingRow> | AsyncIterable<ListingRow>, reply.csv);
      return;
    }
    const all: unknown[] = [];
    for await (const item of reply.items) {
      if (reply.json) out.json(item);
      else all.push(item);
    }
    if (!reply.json) reply.render(all, out);
  }
}

// commander types an action as returning nothing; an aos action returns its Reply (kept by main.ts).
declare module '@commander-js/extra-typings' {
  interface Command<Args extends any[] = [], Opts extends OptionValues = {}, GlobalOpts extends OptionValues = {}> {
    action(fn: (this: this, ...args: [...Args, Opts, this]) => Promise<Reply>): this;
  }
}
