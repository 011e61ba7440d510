// CustomerImportService: a client's customers from a CSV into client_customers, the suppression
// list and the platform signals, all-or-nothing (SPEC §7). An import is planned first (plan.ts:
// the header, the mapping and settings, how records are read), then carried out as named steps in
// one transaction (steps.ts). A dry run is the same transaction, rolled back by the database layer
// once the steps have returned.
import { openCsvSource, type CsvSource } from '../../csv/csv-source.js';
import { headerKey } from '../../domain/column-mapping.js';
import { AosError } from '../../errors.js';
import { Service, type ServiceOptions } from '../service-base.js';
import { ClientService, type ClientRef } from '../client-service.js';
import { proposeMapping } from './mapping-proposal.js';
import { dateParserOf, givenSettings, parseStatusOption, planImport, readHead, type Head } from './plan.js';
import { rememberedInputOverrides, rememberedMapping, type RememberedMapping } from './remembered-mapping.js';
import { runImportSteps, summaryOf } from './steps.js';
import { secondsSince } from '../elapsed.js';
import type { ImportRequest, ImportSettings, ImportSummary, MappingProposal } from './types.js';

export type { ImportReject, ImportSkip, ReadCounts, UnknownStatus } from './types.js';
export type { RememberedMapping } from './remembered-mapping.js';
export type { ImportRequest, ImportSettings, ImportSummary, MappingOrigin, MappingProposal } from './types.js';
export { importInteractively, type ImportPrompts, type ImportRunner, type InteractiveImportDeps, type WriteAnswer } from './interactive.js';
export { IMPORT_BATCH_SIZE } from './plan.js';
export { statusMapHint } from './steps.js';

export type ImportServiceOptions = ServiceOptions;

export class CustomerImportService extends Service {
  /**
   * The mapping and settings confirmed by the last import of this client (its slug or id, resolved
   * first: an unknown one is a usage error) with the same header set.
   */
  async rememberedMapping(client: string, headers: readonly string[]): Promise<RememberedMapping | null> {
    return this.db.run(async (orm) => rememberedMapping(orm, (await new ClientService(this.shared).resolve(client, orm)).id, headers));
  }

  /**
   * The proposed mapping of a header row for a client: a reference, or a ClientRef (read again by
   * its id, so a ClientRef made up by a caller proposes nothing of another client's).
   */
  async proposeMapping(
    client: ClientRef | string,
    headers: string[],
    samples: string[][],
    overrides: Record<string, string | string[] | null> = {},
    given: Partial<ImportSettings> = {},
  ): Promise<MappingProposal> {
    const remembered = await this.rememberedMapping(typeof client === 'string' ? client : client.id, headers);
    return proposeMapping({ headers, samples, remembered, overrides, given });
  }

  /**
   * Reads the header (below any title lines of a report) and the first rows, and proposes the
   * mapping and settings: the interactive import's first step.
   */
  async propose(request: ImportRequest): Promise<MappingProposal> {
    const client = await new ClientService(this.shared).resolve(request.client);
    const opened = await this.openCsv(request, client);
    try {
      return await this.proposeMapping(client, opened.head.headers, opened.head.samples, request.mapOverrides, givenSettings(opened.request));
    } finally {
      await opened.csv.reader.close();
    }
  }

  async import(request: ImportRequest): Promise<ImportSummary> {
    const started = performance.now();
    const startedAt = this.now();
    const client = await new ClientService(this.shared).resolve(request.client);
    const defaultStatus = parseStatusOption(request.defaultStatus);
    if (request.dateFormat) dateParserOf(request.dateFormat); // a bad format fails before any reading
    const sourceName = request.sourceName?.trim() || 'csv';
    // A sync replaces one source's customers: which one must be said, never the default 'csv'
    // (syncing one CRM's export under it churned customers other exports had brought).
    if (request.sync && !request.sourceName?.trim()) {
      throw new AosError('usage', '{sync} needs {sourceName}: the source whose customer list the file replaces; nothing written', "name it as its imports did (e.g. hubspot, or csv for imports without one); {command:customers list} shows each customer's source");
    }

    const opened = await this.openCsv(request, client);
    try {
      const plan = await planImport(opened.request, opened.csv, opened.head, { started, startedAt, client, defaultStatus, sourceName }, (given) =>
        this.proposeMapping(client, opened.head.headers, opened.head.samples, opened.request.mapOverrides, given),
      );
      const counts = await this.db.transaction((tx) => runImportSteps(tx, plan, { actor: this.actor, now: this.now }), { rollback: Boolean(request.dryRun) });
      const summary = summaryOf(plan, counts.steps);
      return { ...summary, import_run_id: request.dryRun ? null : counts.runId, seconds: secondsSince(started) };
    } finally {
      await opened.csv.reader.close();
    }
  }

  /**
   * Opens the input as CSV and reads its head. A delimiter given by hand on an earlier import of
   * this header set is used again (the input is read anew with it) when the request names no
   * delimiter or encoding and the input can be reopened (a file, not stdin).
   */
  private async openCsv(request: ImportRequest, client: ClientRef): Promise<{ csv: CsvSource; head: Head; request: ImportRequest }> {
    const csv = await openCsvSource(request.input, { encoding: request.encoding, delimiter: request.delimiter, sheet: request.sheet, name: request.fileName });
    let head: Head;
    try {
      head = await readHead(request, csv);
    } catch (e) {
      await csv.reader.close();
      throw e;
    }
    if (request.delimiter !== undefined || request.encoding !== undefined || !request.reopenInput) return { csv, head, request };
    const remembered = await this.db.run((orm) => rememberedInputOverrides(orm, client.id, head.headers, { delimiter: csv.delimiter, encoding: csv.encoding }));
    // Only a delimiter is used again. An encoding remembered from an earlier file is never applied
    // to this one: a UTF-8 export after a Windows-1252 one turned `góra.pl` into `gã³ra.pl`, and a
    // Mac Roman or Windows-1250 file with the same columns read as the Windows-1252 one named for
    // last month's stored `cafž-paris.fr` and `têcza.pl` without a question.
    const candidates = remembered.flatMap((c) => (c.override.delimiter === undefined ? [] : [{ ...c, override: { delimiter: c.override.delimiter } }]));
    for (const candidate of candidates) {
      const again = await openCsvSource(request.reopenInput(), { ...candidate.override, sheet: request.sheet, name: request.fileName });
      try {
        const againHead = await readHead(request, again);
        if (headerKey(againHead.headers) === candidate.headerKey) {
          await csv.reader.close();
          return { csv: again, head: againHead, request: { ...request, ...candidate.override } };
        }
      } catch {
        // Unreadable with that override: keep what detection found.
      }
      await again.reader.close();
    }
    return { csv, head, request };
  }
}
