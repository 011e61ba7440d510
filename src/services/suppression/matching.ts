// Matching targets against live entries (SPEC §2), in memory: the most specific entry wins.
import { isoTimestamp } from '../../db/database.js';
import { coveringDomains, type Target, type TargetResult } from '../../domain/targets.js';
import type { LiveEntry, WantedTargets } from './live-entries.js';
import type { CheckOutcome, CheckResult } from './results.js';

/** Live entries by domain and by email. */
export interface EntryLookup {
  byDomain: Map<string, LiveEntry>;
  byEmail: Map<string, LiveEntry>;
}

export function entryLookup(rows: readonly LiveEntry[]): EntryLookup {
  const byDomain = new Map<string, LiveEntry>();
  const byEmail = new Map<string, LiveEntry>();
  // Where the client and the agency-wide list both hold a target, the agency-wide entry is the
  // one reported: it is the one no client can remove.
  for (const row of rows) {
    if (row.domain !== null && (row.all_clients || !byDomain.has(row.domain))) byDomain.set(row.domain, row);
    if (row.email !== null && (row.all_clients || !byEmail.has(row.email))) byEmail.set(row.email, row);
  }
  return { byDomain, byEmail };
}

/** Targets with their covering domains (computed once: they build the query and then the match). */
export interface Lookups {
  targets: Target[];
  covering: string[][];
}

export function lookups(targets: Target[]): Lookups {
  return { targets, covering: targets.map(coveringDomains) };
}

export function wanted({ targets, covering }: Lookups): WantedTargets {
  const domains = new Set<string>();
  const emails = new Set<string>();
  for (let i = 0; i < targets.length; i++) {
    for (const d of covering[i] as string[]) domains.add(d);
    const t = targets[i] as Target;
    if (t.kind === 'email') emails.add(t.value);
  }
  return { domains, emails };
}

/** The entry that suppresses a target and what it matched: the exact email, then the hostname, then each parent domain. */
function mostSpecific(t: Target, covering: readonly string[], { byDomain, byEmail }: EntryLookup): { entry: LiveEntry; match: string } | null {
  if (t.kind === 'email') {
    const entry = byEmail.get(t.value);
    if (entry) return { entry, match: t.value };
  }
  for (const d of covering) {
    const entry = byDomain.get(d);
    if (entry) return { entry, match: d };
  }
  return null;
}

export function matchTargets({ targets, covering }: Lookups, entries: EntryLookup): CheckResult[] {
  return targets.map((t, i): CheckResult => {
    const found = mostSpecific(t, covering[i] as string[], entries);
    return {
      input: t.input,
      target: t.value,
      kind: t.kind,
      suppressed: found !== null,
      reason: found?.entry.reason ?? null,
      match: found?.match ?? null,
      expires_at: found ? isoTimestamp(found.entry.expires_at) : null,
      ...(found?.entry.all_clients ? { all_clients: true as const } : {}),
    };
  });
}

/** One answer per input, in order: invalid inputs as `{ input, error }`, the rest matched. */
export function answerInputs(parsed: readonly TargetResult[], matched: readonly CheckResult[]): CheckOutcome[] {
  let k = 0;
  return parsed.map((p) => (p.ok ? (matched[k++] as CheckResult) : { input: p.input, error: p.error }));
}
