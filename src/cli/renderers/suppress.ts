// `suppress add|remove|list|history` for people. Targets are shown as people read them (an IDN in
// Unicode; --json keeps the stored ASCII form); warnings say what a change did not do.
import { displayTarget } from '../../domain/display.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { AgencyRemoveResult, ListAddResult } from '../../services/suppression-lists.js';
import type { RemoveResult, SuppressionEntryView, SuppressionEventView } from '../../services/suppression-service.js';
import type { WhoResult } from '../../services/suppression-who-service.js';
import type { Renderer } from '../context.js';

const WARN_EACH_MAX = 10;
/** Invalid lines warned about one by one; --json lists them all. */
const SKIPPED_SHOWN = 50;

/** A long list in one warning line: the first few, then how many more. */
function someOf(items: readonly string[]): string {
  const shown = items.slice(0, WARN_EACH_MAX).join(', ');
  return items.length > WARN_EACH_MAX ? `${shown} and ${items.length - WARN_EACH_MAX} more` : shown;
}

export const renderAdded: Renderer<ListAddResult> = (result, out) => {
  const invalid = result.invalid ?? [];
  out.line(`${result.client}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged${result.invalid ? `, ${invalid.length} invalid skipped` : ''}`);
  for (const bad of invalid.slice(0, SKIPPED_SHOWN)) out.warn(`skipped ${bad.line !== null ? `line ${bad.line}` : 'argument'}: "${bad.input}": ${bad.error}`);
  if (invalid.length > SKIPPED_SHOWN) out.warn(`and ${invalid.length - SKIPPED_SHOWN} more invalid lines skipped (--json lists them all)`);
  const providers = 'mail_provider_domains' in result ? result.mail_provider_domains : [];
  if (providers.length > 0) out.warn(`${someOf(providers)}: a mail provider that is also a company, so its customers' mailboxes there are suppressed too`);
};

/** Targets typed one by one get a line each; a file's thousands get a summary, like add. */
export const renderRemoved =
  (fromFile: boolean): Renderer<RemoveResult | AgencyRemoveResult> =>
  (result, out) => {
    if (!('from_import' in result)) {
      for (const e of result.removed) out.line(safe(`removed ${e.target} (${e.reason}) from the agency-wide list`));
      for (const t of result.not_found) out.line(safe(`not on the agency-wide list: ${t} (nothing to remove)`));
      return;
    }
    if (fromFile) out.line(`${result.client}: ${result.removed.length} removed, ${result.not_found.length} not suppressed (nothing to remove)`);
    else {
      for (const e of result.removed) out.line(`removed ${displayTarget(e.target)} (${e.reason})`);
      // A subdomain or an address with no entry of its own may still be suppressed by its domain's.
      for (const t of result.not_found) out.line(`no entry for ${displayTarget(t)} (nothing to remove; \`aos check\` says whether an entry above it still suppresses it)`);
    }
    if (result.from_import.length > 0) out.warn(`${someOf(result.from_import)} came from imported customers: the next import of those customers suppresses them again`);
    const still = result.still_suppressed;
    if (fromFile && still.length > WARN_EACH_MAX) {
      out.warn(`${still.length} removed targets are still suppressed by a parent domain entry, e.g. ${displayTarget(still[0]?.target ?? '')} by ${displayTarget(still[0]?.match ?? '')}`);
    } else for (const o of still) out.warn(`${displayTarget(o.target)} is still suppressed by the entry ${displayTarget(o.match ?? '')} (${o.reason})`);
  };

/** The columns of `suppress list --csv`, in order. */
export const ENTRY_CSV_COLUMNS = ['kind', 'target', 'reason', 'source', 'expires_at', 'notes', 'company_name', 'created_by', 'created_at', 'updated_at'] as const;

/** A spreadsheet is for people: IDN targets in Unicode (--json keeps the ASCII form). */
export const entryCsvCell = (e: SuppressionEntryView, column: (typeof ENTRY_CSV_COLUMNS)[number]): string =>
  column === 'target' ? displayTarget(e.target) : String(e[column] ?? '');

export const renderEntries: Renderer<SuppressionEntryView[]> = (entries, out) => {
  if (entries.length === 0) return out.info('no entries');
  out.table(['target', 'reason', 'source', 'expires', 'notes'], entries.map((e) => [displayTarget(e.target), e.reason, e.source ?? '', e.expires_at ?? '-', e.notes ?? '']));
};

export const renderHistory: Renderer<SuppressionEventView[]> = (events, out) => {
  if (events.length === 0) return out.info('no changes recorded');
  out.table(
    ['at', 'action', 'target', 'reason', 'actor', 'source', 'notes'],
    events.map((e) => [e.at ?? '', e.action, displayTarget(e.target), e.action === 'update' ? `${e.reason_before} → ${e.reason_after}` : (e.reason_after ?? e.reason_before ?? ''), e.actor, e.source, e.notes ?? '']),
  );
};

export const renderWho: Renderer<WhoResult> = (result, out) => {
  if (result.clients.length === 0) return out.line(safe(`${displayTarget(result.target)}: no client suppresses it`));
  out.table(
    ['client', 'entry', 'covers', 'reason', 'source', 'by', 'since', 'expires'],
    result.clients.map((m) => [m.client, displayTarget(m.match), m.covers, m.reason, m.source ?? '-', m.created_by ?? '-', m.created_at ?? '-', m.expired ? `expired ${m.expires_at}` : (m.expires_at ?? '-')]),
  );
};
