// The library the platform's validator, scout and scorer call (SPEC §9): the same services the
// CLI is a thin layer over.
export { openDatabase, defaultDataDir, runMigrations, type OpenDatabaseOptions } from './db/open.js';
export type { Database, Queryable } from './db/database.js';
export { AosError, EXIT_CODES, type AosErrorCode } from './errors.js';
export { normalizeTarget, parseTarget, coveringDomains, isFreeMailDomain, type Target, type TargetResult } from './domain/targets.js';
export { buyerScore, scoreBoost, BUYER_SCORE_RULES } from './domain/buyer-score.js';
export { SUPPRESSION_REASONS, OPT_OUT_REASONS, type SuppressionReason } from './db/schema-constants.js';
export {
  SuppressionService,
  type CheckOutcome,
  type CheckResult,
  type InvalidTarget,
  type SuppressionEntryView,
  type SuppressionEventView,
} from './services/suppression-service.js';
export { CustomerImportService, type ImportRequest, type ImportSummary, type MappingProposal } from './services/customer-import-service.js';
export {
  BuyerSignalService,
  DEFAULT_MIN_CLIENTS,
  isFullSignal,
  type AnonymousSignalView,
  type BuyerSignalServiceOptions,
  type BuyerSignalView,
  type RebuildResult,
  type SignalView,
} from './services/buyer-signal-service.js';
export { ClientService, type ClientRef, type ClientSummary } from './services/client-service.js';
