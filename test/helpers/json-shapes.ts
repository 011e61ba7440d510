// The keys of every `--json` payload, as the types the library exports declare them (src/index.ts,
// JsonPayloads: command → payload type). The compiler holds each table to its type: a key the type has and the table lacks, or one the
// table has and the type does not, fails typecheck; 'optional' marks exactly the keys the type
// lets be absent. At run time shapeErrors() holds a payload to the tables: every key present
// (optional ones may be absent), none extra, at every level a table describes.
import type * as aos from '../../src/index.js';

/** true: always present; 'optional': may be absent. Exhaustive for T, checked by the compiler. */
export type Keys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? 'optional' : true };

/** What an array holds, or the value itself. */
type Element<V> = V extends ReadonlyArray<infer E> ? E : V;

export interface Shape<T = unknown> {
  readonly name: string;
  readonly keys: Readonly<Record<string, true | 'optional'>>;
  /** Keys whose value is an object (or null), or an array of objects, each of one of these shapes. */
  readonly nested: Readonly<Record<string, readonly Shape[]>>;
  /** Never set: ties the shape to its type for the compiler. */
  readonly type?: T;
}

type Nested<T> = { [K in keyof T]?: ReadonlyArray<Shape<NonNullable<Element<NonNullable<T[K]>>>>> };

/** The shape of T. T must be given: it is never inferred (NoInfer), so a table cannot make up its own type. */
export function shape<T = never>(name: string, keys: NoInfer<Keys<T>>, nested: NoInfer<Nested<T>> = {}): Shape<T> {
  return { name, keys, nested: nested as Record<string, readonly Shape[]> };
}

type Member<S> = S extends Shape<infer T> ? T : never;

/** The shapes of the members of the union U: compiles only when they cover all of U. */
export function oneOf<U = never>() {
  return <S extends ReadonlyArray<Shape<U>>>(...shapes: S & ([Exclude<U, Member<S[number]>>] extends [never] ? unknown : { uncovered: Exclude<U, Member<S[number]>> })): ReadonlyArray<Shape<U>> => shapes;
}

/** Where `value` departs from the shapes (one must fit each object), by path; [] when it fits. */
export function shapeErrors(value: unknown, shapes: ReadonlyArray<Shape>, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => shapeErrors(v, shapes, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [`${path}: ${JSON.stringify(value)} is not an object (${shapes.map((s) => s.name).join(' | ')})`];
  let closest: string[] = [];
  for (const s of shapes) {
    const errors = fit(value as Record<string, unknown>, s, path);
    if (errors.length === 0) return [];
    if (closest.length === 0 || errors.length < closest.length) closest = errors;
  }
  return closest;
}

function fit(value: Record<string, unknown>, s: Shape, path: string): string[] {
  const errors: string[] = [];
  for (const [key, need] of Object.entries(s.keys)) if (need === true && !Object.hasOwn(value, key)) errors.push(`${path}.${key} missing (${s.name})`);
  for (const key of Object.keys(value)) if (!Object.hasOwn(s.keys, key)) errors.push(`${path}.${key} is not a key of ${s.name}`);
  for (const [key, shapes] of Object.entries(s.nested)) {
    const v = value[key];
    if (v !== null && v !== undefined) errors.push(...shapeErrors(v, shapes, `${path}.${key}`));
  }
  return errors;
}

// --- db, clients

const MIGRATION_STATE = shape<aos.MigrationState>('MigrationState', { applied: true, total: true, up_to_date: true, pending: true });
const DATABASE_STATUS = [shape<aos.DatabaseStatus>('DatabaseStatus', { kind: true, location: true, migrations: true, tables: true }, { migrations: [MIGRATION_STATE] })];

const CLIENT_ADDED = [shape<aos.ClientAddedView>('ClientAddedView', { id: true, slug: true, name: true, services: true, created: true })];
const CLIENT_LISTING = [
  shape<aos.ClientListing>('ClientListing', { id: true, slug: true, name: true, services: true, created_at: true, customers: true, suppressions: true, expiry_defaults: true }),
];
const CLIENT_EXPIRY_DEFAULTS = [shape<aos.ClientExpiryDefaults>('ClientExpiryDefaults', { client: true, expiry_defaults: true })];

// --- check

const CHECK_RESULT_KEYS = { input: true, target: true, kind: true, suppressed: true, reason: true, match: true, expires_at: true, all_clients: 'optional' } as const;
const CHECK_RESULT = shape<aos.CheckResult>('CheckResult', CHECK_RESULT_KEYS);
const INVALID_TARGET = shape<aos.InvalidTarget>('InvalidTarget', { input: true, error: true });
const CHECK_OUTCOME = oneOf<aos.CheckOutcome>()(CHECK_RESULT, INVALID_TARGET);
const CHECKED_LINE = oneOf<aos.CheckedLine>()(
  shape<Exclude<aos.CheckedLine, aos.InvalidTarget>>('CheckedLine (verdict)', { ...CHECK_RESULT_KEYS, line: true }),
  shape<Extract<aos.CheckedLine, aos.InvalidTarget>>('CheckedLine (invalid)', { input: true, error: true, line: true }),
);
const ENTRY_ORIGIN = shape<aos.EntryOrigin>('EntryOrigin', { type: true, actor: true, at: true, note: true, run_id: true, file_name: true, customer: true });
const EXPLAINED_ENTRY = shape<aos.ExplainedEntry>(
  'ExplainedEntry',
  { target: true, kind: true, scope: true, covers: true, reason: true, expires_at: true, origin: true },
  { origin: [ENTRY_ORIGIN] },
);
const EXPLAIN_HISTORY_EVENT = shape<aos.ExplainHistoryEvent>('ExplainHistoryEvent', {
  at: true, action: true, reason_before: true, reason_after: true, expires_at: true, actor: true, source: true, notes: true,
});
const NEARBY_ENTRY = shape<aos.NearbyEntry>('NearbyEntry', { target: true, kind: true, scope: true, reason: true, expires_at: true, why: true });
const EXPLANATION = shape<aos.Explanation>(
  'Explanation',
  { entry: true, history: true, nearby: true },
  { entry: [EXPLAINED_ENTRY], history: [EXPLAIN_HISTORY_EVENT], nearby: [NEARBY_ENTRY] },
);
const EXPLAINED_OUTCOME = oneOf<aos.ExplainedOutcome>()(
  CHECK_RESULT,
  INVALID_TARGET,
  shape<Extract<aos.ExplainedOutcome, { explain: unknown }>>('ExplainedOutcome', { ...CHECK_RESULT_KEYS, explain: true }, { explain: [EXPLANATION] }),
);

// --- suppress

const ENTRY_KEYS = {
  kind: true, target: true, reason: true, source: true, notes: true, expires_at: true, company_name: true, customer_id: true, created_by: true, created_at: true, updated_at: true,
} as const;
const SUPPRESSION_ENTRY = shape<aos.SuppressionEntryView>('SuppressionEntryView', ENTRY_KEYS);
const SUPPRESSION_ENTRIES = [SUPPRESSION_ENTRY];
const AGENCY_ENTRIES = [shape<aos.AgencyEntryView>('AgencyEntryView', { ...ENTRY_KEYS, all_clients: true })];
const SUPPRESSION_EVENTS = [
  shape<aos.SuppressionEventView>('SuppressionEventView', {
    id: true, at: true, action: true, kind: true, target: true, reason_before: true, reason_after: true, expires_at: true, notes: true, actor: true, source: true,
  }),
];
const ADD_RESULT_KEYS = { client: true, added: true, updated: true, unchanged: true, targets: true, mail_provider_domains: true } as const;
const ADD_RESULT = [shape<aos.AddResult>('AddResult', ADD_RESULT_KEYS)];
const INVALID_LINE = shape<aos.InvalidLine>('InvalidLine', { line: true, input: true, error: true });
const SKIPPING_ADD_RESULT = [shape<aos.SkippingAddResult>('SkippingAddResult', { ...ADD_RESULT_KEYS, invalid: true }, { invalid: [INVALID_LINE] })];
const AGENCY_CHANGE_RESULT = [shape<aos.AgencyChangeResult>('AgencyChangeResult', { client: true, added: true, updated: true, unchanged: true, targets: true })];
const REMOVE_RESULT = [
  shape<aos.RemoveResult>(
    'RemoveResult',
    { client: true, removed: true, not_found: true, from_import: true, still_suppressed: true },
    { removed: [SUPPRESSION_ENTRY], still_suppressed: [CHECK_RESULT] },
  ),
];
const AGENCY_REMOVE_RESULT = [
  shape<aos.AgencyRemoveResult>('AgencyRemoveResult', { client: true, removed: true, not_found: true }, { removed: AGENCY_ENTRIES }),
];
const WHO_MATCH = shape<aos.WhoMatch>('WhoMatch', {
  client: true, client_name: true, match: true, kind: true, covers: true, reason: true, source: true, company_name: true, notes: true, created_by: true, created_at: true,
  expires_at: true, expired: true,
});
const WHO_RESULT = [shape<aos.WhoResult>('WhoResult', { input: true, target: true, kind: true, clients: true }, { clients: [WHO_MATCH] })];
const EXPIRING_ENTRIES = [
  shape<aos.ExpiringEntry>('ExpiringEntry', { client: true, kind: true, target: true, reason: true, source: true, company_name: true, notes: true, expires_at: true }),
];

// --- import, imports

const IMPORT_DIFF = shape<aos.ImportDiff>(
  'ImportDiff',
  { new: true, changed: true, unchanged: true, changed_fields: true, changes: true, sync: true, churned: true, churned_customers: true, churned_entries: true, customers_before: true, source_customers_before: true, mass_churn: true },
  { changes: [shape<aos.ImportDiff['changes'][number]>('ImportDiff change', { customer: true, fields: true })] },
);
const IMPORT_SUMMARY = [
  shape<aos.ImportSummary>(
    'ImportSummary',
    {
      client: true, file: true, dry_run: true, encoding: true, delimiter: true, mapping: true, date_format: true, status_map: true, rows_read: true, inserted: true,
      updated: true, unchanged: true, merged: true, rejected: true, skipped: true, values_dropped: true, suppressions_added: true, suppressions_updated: true,
      without_target: true, signals_refreshed: true, first_rejects: true, first_dropped: true, first_furniture: true, first_skipped: true, unknown_statuses: true, import_run_id: true, seconds: true, diff: true, status_column_unread: true,
    },
    {
      diff: [IMPORT_DIFF],
      first_rejects: [shape<aos.ImportSummary['first_rejects'][number]>('first reject', { line: true, error: true })],
      first_dropped: [shape<aos.ImportSummary['first_dropped'][number]>('first dropped value', { line: true, warning: true })],
      first_furniture: [shape<aos.ImportSummary['first_furniture'][number]>('first furniture line', { line: true, text: true, what: true })],
      first_skipped: [shape<aos.ImportSummary['first_skipped'][number]>('first skipped row', { line: true, why: true })],
      unknown_statuses: [shape<aos.UnknownStatus>('UnknownStatus', { value: true, rows: true })],
    },
  ),
];
const RUN_KEYS = {
  id: true, client: true, file_name: true, sha256: true, rows: true, counts: true, mapping: true, actor: true, started_at: true, finished_at: true, status: true,
  undone_at: true, undone_by: true, undoable: true,
} as const;
const IMPORT_RUNS = [shape<aos.ImportRunView>('ImportRunView', RUN_KEYS)];
const CHANGE_COUNTS = shape<aos.ImportRunChangeCounts>('ImportRunChangeCounts', {
  customers_inserted: true, customers_updated: true, customers_deleted: true, entries_inserted: true, entries_updated: true, entries_deleted: true,
});
const IMPORT_RUN_DETAIL = [shape<aos.ImportRunDetail>('ImportRunDetail', { ...RUN_KEYS, changes: true }, { changes: [CHANGE_COUNTS] })];
const UNDO_RESULT = [
  shape<aos.UndoResult>(
    'UndoResult',
    {
      run: true, client: true, file_name: true, dry_run: true, forced: true, customers_removed: true, customers_restored: true, entries_removed: true,
      entries_restored: true, conflicts_kept: true, opt_outs_kept: true, entries_settled: true, signals_refreshed: true,
    },
    {
      conflicts_kept: [shape<aos.UndoConflict>('UndoConflict', { table: true, target: true, change: true })],
      entries_settled: [shape<aos.SettledEntry>('SettledEntry', { target: true, reason: true })],
    },
  ),
];

// --- customers

const CUSTOMER = shape<aos.CustomerView>('CustomerView', {
  id: true, company_name: true, domain: true, contact_email: true, other_emails: true, contact_name: true, contact_title: true, industry: true, employee_count_range: true, status: true,
  customer_since: true, churned_at: true, deal_value: true, services: true, source: true, external_id: true, natural_key: true, imported_at: true, created_at: true,
  updated_at: true,
});
const CUSTOMERS = [CUSTOMER];
const CUSTOMER_DETAIL = [
  shape<aos.CustomerDetail>(
    'CustomerDetail',
    { client: true, customer: true, entries: true, import_runs: true },
    {
      customer: [CUSTOMER],
      entries: [shape<aos.CustomerEntryView>('CustomerEntryView', { kind: true, target: true, reason: true, source: true, expires_at: true, linked: true })],
      import_runs: [shape<aos.CustomerRunView>('CustomerRunView', { id: true, file_name: true, finished_at: true, actor: true, status: true, change: true })],
    },
  ),
];
const CUSTOMER_REMOVED = [
  shape<aos.CustomerRemoveResult>(
    'CustomerRemoveResult',
    { client: true, customer: true, entries_removed: true, entries_kept: true, signals_refreshed: true },
    {
      customer: [CUSTOMER],
      entries_removed: [shape<aos.CustomerRemoveResult['entries_removed'][number]>('removed entry', { target: true, reason: true })],
      entries_kept: [shape<aos.KeptEntry>('KeptEntry', { target: true, reason: true, why: true })],
    },
  ),
];

// --- signals

const REBUILD_RESULT = [shape<aos.RebuildResult>('RebuildResult', { domains: true, changed: true, distribution: true, seconds: true })];
const BUYER_SIGNAL = shape<aos.BuyerSignalView>('BuyerSignalView', {
  domain: true, company_name: true, industry: true, employee_count_range: true, times_bought: true, services_bought: true, deal_value_band: true, total_value: true, avg_deal_value: true,
  buyer_score: true, buyer_boost: true, first_seen_at: true, last_converted_at: true,
});
const ANONYMOUS_SIGNAL = shape<aos.AnonymousSignalView>('AnonymousSignalView', { domain: true, times_bought: true, buyer_score: true, buyer_boost: true });
const SIGNAL_VIEW = oneOf<aos.SignalView>()(BUYER_SIGNAL, ANONYMOUS_SIGNAL);
const SIGNAL_LOOKUP = oneOf<aos.SignalLookup>()(
  BUYER_SIGNAL,
  ANONYMOUS_SIGNAL,
  shape<aos.NoSignal>('NoSignal', { input: true, domain: true, signal: true, error: 'optional' }),
);
const BOOST_OUTCOME = oneOf<aos.BoostOutcome>()(
  shape<aos.TargetBoost>('TargetBoost', { input: true, domain: true, buyer_score: true, buyer_boost: true }),
  INVALID_TARGET,
);

/** Each command's payload shapes; the compiler holds the list to JsonPayloads, command by command. */
export const PAYLOAD_SHAPES: { [C in keyof aos.JsonPayloads]: ReadonlyArray<Shape<Element<aos.JsonPayloads[C]>>> } = {
  'db status': DATABASE_STATUS,
  'clients add': CLIENT_ADDED,
  'clients list': CLIENT_LISTING,
  'clients set': CLIENT_EXPIRY_DEFAULTS,
  check: CHECK_OUTCOME,
  'check --file': CHECKED_LINE,
  'check --explain': EXPLAINED_OUTCOME,
  'suppress add': ADD_RESULT,
  'suppress add --skip-invalid': SKIPPING_ADD_RESULT,
  'suppress add --all-clients': AGENCY_CHANGE_RESULT,
  'suppress remove': REMOVE_RESULT,
  'suppress remove --all-clients': AGENCY_REMOVE_RESULT,
  'suppress list': SUPPRESSION_ENTRIES,
  'suppress list --all-clients': AGENCY_ENTRIES,
  'suppress history': SUPPRESSION_EVENTS,
  'suppress who': WHO_RESULT,
  'suppress expiring': EXPIRING_ENTRIES,
  import: IMPORT_SUMMARY,
  'imports list': IMPORT_RUNS,
  'imports show': IMPORT_RUN_DETAIL,
  'imports undo': UNDO_RESULT,
  'customers list': CUSTOMERS,
  'customers show': CUSTOMER_DETAIL,
  'customers remove': CUSTOMER_REMOVED,
  'signals rebuild': REBUILD_RESULT,
  'signals show': SIGNAL_LOOKUP,
  'signals top': SIGNAL_VIEW,
  'signals boost': BOOST_OUTCOME,
};
