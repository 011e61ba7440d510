// The shapes SuppressionService returns (SPEC §6 for a check), as the library exports them and
// `--json` prints them: snake_case keys, timestamps as ISO strings.
import type { SuppressionReason } from '../../db/schema-constants.js';
import type { TargetKind } from '../../domain/targets.js';

/** The §6 JSON shape of one checked target. */
export interface CheckResult {
  input: string;
  target: string;
  kind: TargetKind;
  suppressed: boolean;
  reason: SuppressionReason | null;
  match: string | null;
  expires_at: string | null;
  /** Present (true) only when the matching entry is on the agency-wide list. */
  all_clients?: true;
}
export interface InvalidTarget {
  input: string;
  error: string;
}
export type CheckOutcome = CheckResult | InvalidTarget;

export const isInvalid = (o: CheckOutcome): o is InvalidTarget => 'error' in o;

export interface TargetInput {
  value: string;
  /** Where it came from, for error messages (a line number of a file). */
  line?: number;
}

export interface SuppressionEntryView {
  kind: TargetKind;
  target: string;
  reason: SuppressionReason;
  source: string | null;
  notes: string | null;
  expires_at: string | null;
  company_name: string | null;
  customer_id: string | null;
  created_by: string | null;
  created_at: string | null;
  updated_at: string | null;
}

export interface SuppressionEventView {
  id: number;
  at: string | null;
  action: 'add' | 'update' | 'remove';
  kind: TargetKind;
  target: string;
  reason_before: string | null;
  reason_after: string | null;
  expires_at: string | null;
  notes: string | null;
  actor: string;
  source: 'manual' | 'import' | 'undo';
}

/** A manual add's settings, as a caller gives them (the CLI's flags, a library call's options). */
export interface AddOptions {
  targets: readonly TargetInput[];
  reason: string;
  expiresAt?: Date | null | undefined;
  note?: string | undefined;
  force?: boolean | undefined;
}

/** What an add did: its distinct targets, and how many it added, updated or left as they were. */
export interface AddCounts {
  added: number;
  updated: number;
  unchanged: number;
  targets: string[];
}

export interface AddResult extends AddCounts {
  client: string;
  /** Domains of mail providers that are also companies: their customers' mailboxes are suppressed too. */
  mail_provider_domains: string[];
}

export interface RemoveResult {
  client: string;
  removed: SuppressionEntryView[];
  not_found: string[];
  /** Removed entries that came from an imported customer: the next import brings them back. */
  from_import: string[];
  /** Removed targets that a remaining entry (a parent domain) still suppresses. */
  still_suppressed: CheckResult[];
}
