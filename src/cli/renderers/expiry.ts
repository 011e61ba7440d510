// `clients set --expire` and `suppress expiring` for people.
import { displayTarget } from '../../domain/display.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { ExpiringEntry } from '../../services/expiry-policy-service.js';
import type { Renderer } from '../context.js';

export const renderExpiryDefaults: Renderer<{ client: string; expiry_defaults: Record<string, string> }> = (result, out) => {
  const defaults = Object.entries(result.expiry_defaults);
  out.line(safe(`${result.client}: default expiry ${defaults.length ? defaults.map(([r, p]) => `${r} ${p}`).join(', ') : 'none'}`));
};

/** The columns of `suppress expiring --csv`, in order. */
export const EXPIRING_CSV_COLUMNS = ['client', 'kind', 'target', 'reason', 'expires_at', 'source', 'company_name', 'notes'] as const;

/** A spreadsheet is for people: IDN targets in Unicode (--json keeps the ASCII form). */
export const expiringCsvCell = (e: ExpiringEntry, column: (typeof EXPIRING_CSV_COLUMNS)[number]): string =>
  column === 'target' ? displayTarget(e.target) : String(e[column] ?? '');

export const renderExpiring =
  (within: string): Renderer<ExpiringEntry[]> =>
  (entries, out) => {
    if (entries.length === 0) return out.info(`nothing expires within ${within}`);
    out.table(['expires', 'client', 'target', 'reason', 'source', 'company'], entries.map((e) => [e.expires_at, e.client, displayTarget(e.target), e.reason, e.source ?? '-', e.company_name ?? '']));
  };
