// The library the platform's validator, scout and scorer call (SPEC §9): the same services the
// CLI is a thin layer over.
import type * as agency from './services/agency-list-service.js';
import type * as clients from './services/client-service.js';
import type * as customers from './services/customer-service.js';
import type * as expiry from './services/expiry-policy-service.js';
import type * as explain from './services/explain-service.js';
import type * as imports from './services/customer-import-service.js';
import type * as importSync from './services/import-sync.js';
import type * as migrations from './db/migrations.js';
import type * as runs from './services/import-run-service.js';
import type * as signals from './services/buyer-signal-service.js';
import type * as signalLookup from './services/signal-lookup.js';
import type * as status from './services/status-service.js';
import type * as suppression from './services/suppression-service.js';
import type * as validation from './services/target-validation.js';
import type * as who from './services/suppression-who-service.js';

export { openDatabase, defaultDataDir, runMigrations, type OpenDatabaseOptions } from './db/open.js';
export type { Database, Queryable } from './db/database.js';
export { AosError, EXIT_CODES, type AosErrorCode } from './errors.js';
export { normalizeTarget, parseTarget, coveringDomains, isFreeMailDomain, type Target, type TargetResult } from './domain/targets.js';
export { buyerScore, scoreBoost, BUYER_SCORE_RULES } from './domain/buyer-score.js';
export { SUPPRESSION_REASONS, OPT_OUT_REASONS, type SuppressionReason } from './db/schema-constants.js';
export { SuppressionService } from './services/suppression-service.js';
export { CustomerImportService, type ImportRequest, type MappingProposal } from './services/customer-import-service.js';
export { BuyerSignalService, DEFAULT_MIN_CLIENTS, isFullSignal, type BuyerSignalServiceOptions } from './services/buyer-signal-service.js';
export { ClientService, type ClientRef, type ClientSummary } from './services/client-service.js';

// The `--json` contract: what each command prints with --json is one of these (one document, or
// one a line for a listing), with these snake_case keys. test/cli/json-contract.test.ts holds
// every payload to them, key by key.

/** `db status`: the database, its migration state and the row count of each table. */
export type DatabaseStatus = status.DatabaseStatus;
/** `db status` (`migrations`): migrations applied, in all, and the pending ones. */
export type MigrationState = migrations.MigrationState;

/** `clients add`: the client's fields, with `created` false when it existed already. */
export type ClientAddedView = clients.ClientAddedView;
/** `clients list` (one array): each client with its counts and default expiry per reason. */
export type ClientListing = clients.ClientListing;
/** `clients set`: the client's default expiry per reason after the change. */
export type ClientExpiryDefaults = Awaited<ReturnType<expiry.ExpiryPolicyService['set']>>;

/** `check` (one a line): a target's verdict, or why it is invalid. */
export type CheckOutcome = suppression.CheckOutcome;
/** `check`: a valid target's verdict (the SPEC §6 shape). */
export type CheckResult = suppression.CheckResult;
/** `check`, `signals boost`: a target that is no domain, URL or email, and why. */
export type InvalidTarget = suppression.InvalidTarget;
/** `check --file` / stdin (one a line): a lead's verdict with its line in the input. */
export type CheckedLine = CheckOutcome & { line: number };
/** `check --explain` (one a line): the verdict, and for a valid target why. */
export type ExplainedOutcome = explain.ExplainedOutcome;
/** `check --explain` (`explain`): the entry that decides, its history, and the entries near it. */
export type Explanation = explain.Explanation;
/** `check --explain` (`explain.entry`): the entry that suppresses the target and how it covers it. */
export type ExplainedEntry = explain.ExplainedEntry;
/** `check --explain` (`explain.entry.origin`): who put the entry there, by hand or by which import. */
export type EntryOrigin = explain.EntryOrigin;
/** `check --explain` (`explain.history`): one change of the entry. */
export type ExplainHistoryEvent = explain.ExplainHistoryEvent;
/** `check --explain` (`explain.nearby`): an entry that does not cover the target but is close. */
export type NearbyEntry = explain.NearbyEntry;

/** `suppress add`: how many entries were added, updated or already so. */
export type AddResult = suppression.AddResult;
/** `suppress add --skip-invalid`: the added entries' counts and the lines left out. */
export type SkippingAddResult = AddResult & { invalid: InvalidLine[] };
/** `suppress add --skip-invalid` (`invalid`): a line of the file that is no target, and why. */
export type InvalidLine = validation.InvalidLine;
/** `suppress add --all-clients`: the agency-wide list's counts. */
export type AgencyChangeResult = agency.AgencyChangeResult;
/** `suppress remove`: the entries removed, the targets not found, and what still suppresses. */
export type RemoveResult = suppression.RemoveResult;
/** `suppress remove --all-clients`: the agency-wide entries removed and the targets not found. */
export type AgencyRemoveResult = Awaited<ReturnType<agency.AgencyListService['remove']>>;
/** `suppress list` (one a line): a client's entry. */
export type SuppressionEntryView = suppression.SuppressionEntryView;
/** `suppress list --all-clients` (one a line): an agency-wide entry. */
export type AgencyEntryView = SuppressionEntryView & { all_clients: true };
/** `suppress history` (one a line): one audited change of an entry. */
export type SuppressionEventView = suppression.SuppressionEventView;
/** `suppress who`: every client whose list suppresses the target (an ops command, not a library call). */
export type WhoResult = who.WhoResult;
/** `suppress who` (`clients`): one client's entry that matches. */
export type WhoMatch = who.WhoMatch;
/** `suppress expiring` (one a line): an entry that lapses within the window. */
export type ExpiringEntry = expiry.ExpiringEntry;

/** `import`: what the import read, wrote (or, dry, would write) and found against what was stored. */
export type ImportSummary = imports.ImportSummary;
/** `import` (`diff`): the file against the stored customers, churn included with --sync. */
export type ImportDiff = importSync.ImportDiff;
/** `import` (`unknown_statuses`): a status value nothing maps, and on how many rows. */
export type UnknownStatus = imports.UnknownStatus;
/** `imports list` (one a line): an import run. */
export type ImportRunView = runs.ImportRunView;
/** `imports show`: an import run with the rows it changed. */
export type ImportRunDetail = runs.ImportRunDetail;
/** `imports show` (`changes`): customers and entries the run inserted, updated and deleted. */
export type ImportRunChangeCounts = runs.ImportRunChangeCounts;
/** `imports undo`: what the undo removed and restored (or, dry, would), and what it kept. */
export type UndoResult = runs.UndoResult;
/** `imports undo` (`conflicts_kept`): a row touched since the run, kept as it is (--force). */
export type UndoConflict = runs.UndoConflict;

/** `customers list` (one a line), and the customer of `customers show` and `remove`. */
export type CustomerView = customers.CustomerView;
/** `customers show`: the customer, the entries that suppress it, the runs that touched it. */
export type CustomerDetail = customers.CustomerDetail;
/** `customers show` (`entries`): an entry for the customer's domain or email. */
export type CustomerEntryView = customers.CustomerEntryView;
/** `customers show` (`import_runs`): an import run that inserted, updated or deleted the customer. */
export type CustomerRunView = customers.CustomerRunView;
/** `customers remove`: the customer removed, and the entries removed with it or kept. */
export type CustomerRemoveResult = customers.CustomerRemoveResult;
/** `customers remove` (`entries_kept`): an entry that stays, and why. */
export type KeptEntry = customers.KeptEntry;

/** `signals rebuild`: domains recomputed, signals changed, and the score distribution. */
export type RebuildResult = signals.RebuildResult;
/** `signals top` (one a line): a domain's signal, in full or anonymous (below k clients). */
export type SignalView = signals.SignalView;
/** `signals show`, `top`: a signal in full, for a domain at least k clients have as a customer. */
export type BuyerSignalView = signals.BuyerSignalView;
/** `signals show`, `top`: a signal below k clients, its four anonymous fields only. */
export type AnonymousSignalView = signals.AnonymousSignalView;
/** `signals show` (one a line): the target's signal, or none. */
export type SignalLookup = signalLookup.SignalLookup;
/** `signals show`: a target without a signal; `error` says why when it is invalid. */
export type NoSignal = signalLookup.NoSignal;
/** `signals boost TARGET…` (one a line): a target's boost, or why it is invalid. */
export type BoostOutcome = signalLookup.BoostOutcome;
/** `signals boost TARGET…`: a valid target's buyer score and lead-score boost. */
export type TargetBoost = signalLookup.TargetBoost;
