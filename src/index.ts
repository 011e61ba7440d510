// The library the platform's validator, scout and scorer call (SPEC §9): the same services the
// CLI is a thin layer over.
import type { DatabaseStatus } from './services/status-service.js';
import type { MigrationState } from './db/migrations.js';
import type { ClientAddedView, ClientListing } from './services/client-service.js';
import type { CheckOutcome, CheckResult, InvalidTarget, AddResult, RemoveResult, SuppressionEntryView, SuppressionEventView } from './services/suppression-service.js';
import type { ExplainedOutcome, Explanation, ExplainedEntry, EntryOrigin, ExplainHistoryEvent, NearbyEntry } from './services/explain-service.js';
import type { InvalidLine } from './services/target-validation.js';
import type { AgencyChangeResult, AgencyListService } from './services/agency-list-service.js';
import type { WhoResult, WhoMatch } from './services/suppression-who-service.js';
import type { ExpiringEntry, ExpiryPolicyService } from './services/expiry-policy-service.js';
import type { ImportSummary, UnknownStatus } from './services/import/customer-import-service.js';
import type { ImportDiff } from './services/import/sync.js';
import type { ImportRunView, ImportRunDetail, ImportRunChangeCounts, UndoResult, UndoConflict } from './services/import/run-service.js';
import type { SettledEntry } from './services/import/undo.js';
import type { CustomerView, CustomerDetail, CustomerEntryView, CustomerRunView, CustomerRemoveResult, KeptEntry } from './services/customer-service.js';
import type { RebuildResult, SignalView, BuyerSignalView, AnonymousSignalView } from './services/buyer-signal-service.js';
import type { SignalLookup, NoSignal, BoostOutcome, TargetBoost } from './services/signal-lookup.js';

export { openDatabase, defaultDataDir, runMigrations, type OpenDatabaseOptions } from './db/open.js';
export type { Database, Queryable } from './db/database.js';
export { AosError, EXIT_CODES, type AosErrorCode, type AosErrorKind } from './errors.js';
export { normalizeTarget, parseTarget, coveringDomains, isFreeMailDomain, type Target, type TargetResult } from './domain/targets.js';
export { buyerScore, scoreBoost, BUYER_SCORE_RULES, SCORE_SHARED_BY } from './domain/buyer-score.js';
export { SUPPRESSION_REASONS, OPT_OUT_REASONS, type SuppressionReason } from './db/schema-constants.js';
export type { ServiceOptions } from './services/service-base.js';
export { SuppressionService, type SuppressionServiceOptions } from './services/suppression-service.js';
export { CustomerImportService, type ImportRequest, type MappingProposal } from './services/import/customer-import-service.js';
export { BuyerSignalService, DEFAULT_MIN_CLIENTS, isFullSignal, type BuyerSignalServiceOptions } from './services/buyer-signal-service.js';
export { ClientService, type ClientRef, type ClientSummary } from './services/client-service.js';

// The `--json` contract: what each command prints with --json, with these snake_case keys.
// test/cli/json-contract.test.ts holds every command's payloads to them, key by key.
export type {
  DatabaseStatus, MigrationState, ClientAddedView, ClientListing, CheckOutcome, CheckResult, InvalidTarget, ExplainedOutcome,
  Explanation, ExplainedEntry, EntryOrigin, ExplainHistoryEvent, NearbyEntry, AddResult, InvalidLine, AgencyChangeResult,
  RemoveResult, SuppressionEntryView, SuppressionEventView, WhoResult, WhoMatch, ExpiringEntry, ImportSummary, UnknownStatus,
  ImportDiff, ImportRunView, ImportRunDetail, ImportRunChangeCounts, UndoResult, UndoConflict, SettledEntry, CustomerView, CustomerDetail,
  CustomerEntryView, CustomerRunView, CustomerRemoveResult, KeptEntry, RebuildResult, SignalView, BuyerSignalView,
  AnonymousSignalView, SignalLookup, NoSignal, BoostOutcome, TargetBoost,
};

/** `clients set`: the client's default expiry per reason after the change. */
export type ClientExpiryDefaults = Awaited<ReturnType<ExpiryPolicyService['set']>>;
/** `check --file` (and a leads file on stdin): a lead's verdict with its line in the input. */
export type CheckedLine = CheckOutcome & { line: number };
/** `suppress add --skip-invalid`: the counts of the entries added, and the lines left out. */
export type SkippingAddResult = AddResult & { invalid: InvalidLine[] };
/** `suppress remove --all-clients`: the agency-wide entries removed and the targets not found. */
export type AgencyRemoveResult = Awaited<ReturnType<AgencyListService['remove']>>;
/** `suppress list --all-clients`: an agency-wide entry. */
export type AgencyEntryView = SuppressionEntryView & { all_clients: true };

/**
 * The `--json` payload of each command: one JSON document, or for a listing (and for commands
 * that answer per target) one a line (NDJSON). Variants a flag selects are named with the flag.
 */
export interface JsonPayloads {
  /** Which database, its migration state, and the row count of each table. */
  'db status': DatabaseStatus;
  /** The client's fields, with `created` false when it existed already (`--exist-ok`). */
  'clients add': ClientAddedView;
  /** One array: each client with its counts and default expiry per reason. */
  'clients list': ClientListing[];
  /** The client's default expiry per reason after the change. */
  'clients set': ClientExpiryDefaults;
  /** One a line: each target's verdict (the SPEC §6 shape), or why it is invalid. */
  check: CheckOutcome;
  /** One a line: each lead's verdict, with its line in the file. */
  'check --file': CheckedLine;
  /** One a line: the verdict and, for a valid target, the entry behind it, its history and the entries near it. */
  'check --explain': ExplainedOutcome;
  /** How many entries were added, updated, or already so. */
  'suppress add': AddResult;
  /** The counts, and each line of the file that is no target, with why. */
  'suppress add --skip-invalid': SkippingAddResult;
  /** The agency-wide list's counts. */
  'suppress add --all-clients': AgencyChangeResult;
  /** The entries removed, the targets not found, and the ones something else still suppresses. */
  'suppress remove': RemoveResult;
  /** The agency-wide entries removed, and the targets not found. */
  'suppress remove --all-clients': AgencyRemoveResult;
  /** One a line: a client's entries. */
  'suppress list': SuppressionEntryView;
  /** One a line: the agency-wide entries. */
  'suppress list --all-clients': AgencyEntryView;
  /** One a line: the audited changes of a client's entries (or, `--all-clients`, the agency-wide ones). */
  'suppress history': SuppressionEventView;
  /** Every client whose list suppresses the target (ops only: no library call answers it). */
  'suppress who': WhoResult;
  /** One a line: the entries that lapse within the window. */
  'suppress expiring': ExpiringEntry;
  /** What the import read and wrote (or, `--dry-run`, would), and the file against the stored customers. */
  import: ImportSummary;
  /** One a line: a client's import runs. */
  'imports list': ImportRunView;
  /** One import run, with the rows it changed. */
  'imports show': ImportRunDetail;
  /** What the undo removed and restored (or, `--dry-run`, would), and what it kept. */
  'imports undo': UndoResult;
  /** One a line: a client's customers. */
  'customers list': CustomerView;
  /** One customer, the entries that suppress it, and the import runs that touched it. */
  'customers show': CustomerDetail;
  /** The customer removed, and its entries removed with it or kept. */
  'customers remove': CustomerRemoveResult;
  /** Domains recomputed, signals changed, and how many domains have each score. */
  'signals rebuild': RebuildResult;
  /** One a line: each target's signal (in full only from k clients), or none. */
  'signals show': SignalLookup;
  /** One a line: the strongest signals. */
  'signals top': SignalView;
  /** One a line: each target's buyer score and lead-score boost, or why it is invalid. */
  'signals boost': BoostOutcome;
}
