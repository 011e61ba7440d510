// Suppressions by hand on either list a person means: one client's, or the agency-wide list that
// holds for every client (issue 16). Targets come as values or as a file of them (one a line, or
// a CSV column); with `skipInvalid` the invalid lines of a file are set aside and listed instead
// of refusing it. SuppressionService and AgencyListService do the work; this picks the list and
// reads the file, so a caller makes one call whatever it was given.
import { readTargetRows } from '../csv/target-rows.js';
import { AosError } from '../errors.js';
import { AgencyListService, type AgencyChangeResult } from './agency-list-service.js';
import { Service } from './service-base.js';
import {
  SuppressionService,
  type AddOptions,
  type AddResult,
  type RemoveResult,
  type SuppressionEntryView,
  type SuppressionEventView,
  type TargetInput,
} from './suppression-service.js';
import { partitionTargets, type InvalidLine } from './target-validation.js';

/** Which list: a client's own, or the agency-wide one. */
export type ListScope = { client: string } | { allClients: true };

/** A file of targets: one a line, or a CSV whose `column` (default: the first that holds targets) holds them. */
export interface TargetFile {
  stream: AsyncIterable<Buffer | string>;
  /** For messages: the file name or "stdin". */
  name: string;
  column?: string | undefined;
  /** The file's encoding when its bytes do not tell (default: detected, as `import` detects it). */
  encoding?: string | undefined;
}

/** The targets as given, or the file that holds them. */
export type TargetSource = { values: readonly TargetInput[] } | { file: TargetFile };

/** `skipInvalid` adds `invalid`: the lines set aside (an empty list when there were none). */
export type ListAddResult = (AddResult | AgencyChangeResult) & { invalid?: InvalidLine[] };
export type AgencyRemoveResult = Awaited<ReturnType<AgencyListService['remove']>>;

export interface ListAddRequest extends Omit<AddOptions, 'targets'> {
  scope: ListScope;
  targets: TargetSource;
  skipInvalid?: boolean | undefined;
}

/** A file's targets, each with its line; a file that holds none is refused. */
export async function readTargetFile(file: TargetFile): Promise<TargetInput[]> {
  const source = await readTargetRows(file.stream, { name: file.name, column: file.column, encoding: file.encoding });
  const items: TargetInput[] = [];
  for await (const rows of source.rows) for (const row of rows) items.push({ value: row.value, line: row.line });
  if (items.length === 0) throw new AosError('input', `${file.name} holds no targets`);
  return items;
}

const targetsOf = (source: TargetSource): Promise<readonly TargetInput[]> | readonly TargetInput[] =>
  'file' in source ? readTargetFile(source.file) : source.values;

/** A file refused for its invalid lines: the next step may be to add the valid ones. */
function withSkipHint(e: unknown): unknown {
  if (!(e instanceof AosError && e.kind === 'invalid-targets')) return e;
  const hint = e.template.hint ? `${e.template.hint}; or add the valid lines with {skipInvalid}` : 'fix those lines, or add the valid ones with {skipInvalid}';
  return new AosError(e.code, e.template.message, hint, { cause: e, kind: e.kind });
}

export class SuppressionLists extends Service {
  private clientList(): SuppressionService {
    return new SuppressionService(this.shared);
  }

  private agencyList(): AgencyListService {
    return new AgencyListService(this.shared);
  }

  async add(request: ListAddRequest): Promise<ListAddResult> {
    const { scope, reason, expiresAt, note, force } = request;
    let targets = await targetsOf(request.targets);
    const skipped = request.skipInvalid ? partitionTargets(targets) : null;
    if (skipped) targets = skipped.valid;
    let added: AddResult | AgencyChangeResult;
    try {
      added = await ('allClients' in scope
        ? this.agencyList().add({ targets, reason, expiresAt, note, force })
        : this.clientList().add({ client: scope.client, targets, reason, expiresAt, note, force }));
    } catch (e) {
      throw 'file' in request.targets && !skipped ? withSkipHint(e) : e;
    }
    return skipped ? { ...added, invalid: skipped.invalid } : added;
  }

  async remove(request: { scope: ListScope; targets: TargetSource; force?: boolean | undefined; note?: string | undefined }): Promise<RemoveResult | AgencyRemoveResult> {
    const targets = await targetsOf(request.targets);
    const { scope, force, note } = request;
    return 'allClients' in scope ? this.agencyList().remove({ targets, force, note }) : this.clientList().remove({ client: scope.client, targets, force, note });
  }

  /** The list's entries, streamed: live ones, or with `includeExpired` all of them. */
  list(request: { scope: ListScope; reason?: string | undefined; includeExpired?: boolean }): AsyncGenerator<SuppressionEntryView> {
    const { scope, reason, includeExpired } = request;
    return 'allClients' in scope ? this.agencyList().list({ reason, includeExpired }) : this.clientList().list({ client: scope.client, reason, includeExpired });
  }

  /** The list's audit trail, or one target's. */
  history(request: { scope: ListScope; target?: string | undefined }): Promise<SuppressionEventView[]> {
    const { scope, target } = request;
    return 'allClients' in scope ? this.agencyList().history({ target }) : this.clientList().history({ client: scope.client, target });
  }
}
