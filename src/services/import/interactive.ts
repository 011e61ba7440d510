// An interactive import (SPEC §7): propose → confirm the mapping → validate (a dry run; unknown
// status values are asked for, then validated again) → confirm the summary (or change the date
// format and validate again) → write. The database is open only while the file is read or
// written, never at a prompt; the write recomputes everything in its own transaction, so data
// changed meanwhile is taken as it is then. Seconds leave out the time at the prompts.
import type { ColumnMapping } from '../../domain/column-mapping.js';
import type { StatusClass } from '../../domain/values.js';
import { AosError } from '../../errors.js';
import { secondsSince } from '../elapsed.js';
import type { ImportDiff } from './sync.js';
import type { ImportRequest, ImportSummary, MappingProposal, UnknownStatus } from './types.js';

/** What the person at the terminal is asked, as plain functions (src/prompts/mapping.ts). */
export interface ImportPrompts {
  confirmMapping(proposal: MappingProposal): Promise<{ mapping: ColumnMapping; dateFormat: string | null }>;
  mapStatuses(unknown: readonly UnknownStatus[], header: string): Promise<Record<string, StatusClass>>;
  confirmWrite(preview: ImportSummary): Promise<WriteAnswer>;
  /** A sync churning more than half of the stored customers: asked a second time. */
  confirmMassChurn?(diff: ImportDiff): Promise<boolean>;
}

export type WriteAnswer = { action: 'write' } | { action: 'cancel' } | { action: 'date-format'; dateFormat: string | null };

/** The two calls an interactive import makes of CustomerImportService. */
export interface ImportRunner {
  propose(request: ImportRequest): Promise<MappingProposal>;
  import(request: ImportRequest): Promise<ImportSummary>;
}

export interface InteractiveImportDeps {
  /** Opens the database (taking the embedded database's lock) and returns the service over it. */
  open(): Promise<ImportRunner>;
  /** Closes the database again, so nothing holds it while a person answers (SPEC §1). */
  release(): Promise<void>;
  /** The input from its start: an interactive import reads its file once per validation. */
  reopenInput(): AsyncIterable<Buffer | string>;
  prompts: ImportPrompts;
}

export type InteractiveRequest = Omit<ImportRequest, 'input' | 'mapping' | 'expectHeaders'>;

export async function importInteractively(deps: InteractiveImportDeps, request: InteractiveRequest): Promise<ImportSummary> {
  return new InteractiveImport(deps, request).run();
}

const cancelled = () => new AosError('interrupted', 'import cancelled: nothing was written');

class InteractiveImport {
  private readonly started = performance.now();
  private promptMs = 0;
  private proposal!: MappingProposal;
  private mapping!: ColumnMapping;
  private dateFormat: string | null = null;
  private statusMap: Record<string, StatusClass> = {};

  constructor(
    private readonly deps: InteractiveImportDeps,
    private request: InteractiveRequest,
  ) {}

  async run(): Promise<ImportSummary> {
    const reopenInput = () => this.deps.reopenInput();
    this.proposal = await this.withService((s) => s.propose({ ...this.request, input: reopenInput(), reopenInput }));
    const confirmed = await this.prompt(() => this.deps.prompts.confirmMapping(this.proposal));
    this.mapping = confirmed.mapping;
    this.dateFormat = confirmed.dateFormat;
    this.statusMap = { ...this.proposal.settings.statusMap };
    await this.validateUntilConfirmed();
    const summary = await this.pass(Boolean(this.request.dryRun), false);
    return { ...summary, seconds: secondsSince(this.started + this.promptMs) };
  }

  /** Dry runs until every status has a meaning and, unless only a dry run was asked, the write is confirmed. */
  private async validateUntilConfirmed(): Promise<void> {
    const statusHeader = this.mapping.status === null ? '' : (this.proposal.headers[this.mapping.status] ?? '');
    for (;;) {
      const preview = await this.pass(true, true);
      if (preview.unknown_statuses.length > 0) {
        const answers = await this.prompt(() => this.deps.prompts.mapStatuses(preview.unknown_statuses, statusHeader));
        this.statusMap = { ...this.statusMap, ...answers };
        continue;
      }
      if (this.request.dryRun) return;
      const answer = await this.prompt(() => this.deps.prompts.confirmWrite(preview));
      if (answer.action === 'cancel') throw cancelled();
      if (answer.action === 'write') return this.confirmMassChurn(preview.diff);
      this.dateFormat = answer.dateFormat;
    }
  }

  /** Asked here, with the database released, not inside the write's transaction. */
  private async confirmMassChurn(diff: ImportDiff | null): Promise<void> {
    if (!diff?.mass_churn) return;
    const churn = this.deps.prompts.confirmMassChurn;
    if (!churn || !(await this.prompt(() => churn(diff)))) throw cancelled();
    this.request = { ...this.request, allowMassChurn: true };
  }

  /** One import of the file with the answers so far: a validation (a dry run collecting unknown statuses) or the real one. */
  private pass(dryRun: boolean, validation: boolean): Promise<ImportSummary> {
    const { request } = this;
    return this.withService((s) =>
      s.import({
        ...request,
        delimiter: request.delimiter ?? this.proposal.settings.delimiter ?? undefined,
        encoding: request.encoding ?? this.proposal.settings.encoding ?? undefined,
        input: this.deps.reopenInput(),
        mapping: this.mapping,
        expectHeaders: this.proposal.headers,
        dateFormat: this.dateFormat,
        statusMap: this.statusMap,
        dryRun,
        collectUnknownStatuses: validation,
        onReject: validation ? undefined : request.onReject,
        onSkip: validation ? undefined : request.onSkip,
        onHeader: validation ? undefined : request.onHeader,
      }),
    );
  }

  private async prompt<T>(ask: () => Promise<T>): Promise<T> {
    const at = performance.now();
    try {
      return await ask();
    } finally {
      this.promptMs += performance.now() - at;
    }
  }

  private async withService<T>(work: (service: ImportRunner) => Promise<T>): Promise<T> {
    const service = await this.deps.open();
    try {
      return await work(service);
    } finally {
      await this.deps.release();
    }
  }
}
