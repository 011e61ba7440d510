// `customers list|show|remove` for people. Names, contacts and sources come from clients' files:
// shown without terminal controls.
import { displayTarget } from '../../domain/display.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { CustomerDetail, CustomerRemoveResult, CustomerView } from '../../services/customer-service.js';
import type { Renderer } from '../context.js';

/** The columns of `customers list --csv`, in order. */
export const CUSTOMER_CSV_COLUMNS = ['company_name', 'domain', 'contact_email', 'contact_name', 'status', 'customer_since', 'churned_at', 'deal_value', 'source', 'external_id', 'id', 'updated_at'] as const;

export const renderCustomers: Renderer<CustomerView[]> = (list, out) => {
  if (list.length === 0) return out.info('no customers');
  out.table(
    ['company', 'domain', 'contact', 'status', 'deal_value', 'source'],
    list.map((cu) => [cu.company_name, cu.domain ? displayTarget(cu.domain) : '-', cu.contact_email ?? '-', cu.status, cu.deal_value ?? '-', cu.source]),
  );
};

function customerLines(d: CustomerDetail): string[] {
  const cu = d.customer;
  const fields: Array<[string, string | null]> = [
    ['domain', cu.domain && displayTarget(cu.domain)], ['contact', [cu.contact_name, cu.contact_email].filter(Boolean).join(' ') || null],
    ['other emails', cu.other_emails?.join(', ') || null], ['title', cu.contact_title],
    ['industry', cu.industry], ['employees', cu.employee_count_range], ['customer since', cu.customer_since], ['churned at', cu.churned_at],
    ['deal value', cu.deal_value], ['services', cu.services?.join(',') || null], ['external id', cu.external_id], ['source', cu.source], ['updated', cu.updated_at],
  ];
  return [`${cu.company_name}  (${cu.status}, client ${d.client}, id ${cu.id})`, ...fields.flatMap(([k, v]) => (v ? [`  ${k.padEnd(15)}${v}`] : []))];
}

export const renderCustomer: Renderer<CustomerDetail> = (d, out) => {
  const lines = [
    ...customerLines(d),
    'entries:',
    ...(d.entries.length === 0 ? ['  none: nothing suppresses this customer'] : []),
    ...d.entries.map((e) => `  ${displayTarget(e.target)}  ${e.reason}  source ${e.source ?? '-'}${e.expires_at ? `  expires ${e.expires_at}` : ''}${e.linked ? '' : '  (not linked to this customer)'}`),
    'import runs:',
    ...(d.import_runs.length === 0 ? ['  none recorded'] : []),
    ...d.import_runs.map((r) => `  ${r.id.slice(0, 8)}  ${r.finished_at}  ${r.file_name}  ${r.change} by ${r.actor}${r.status === 'completed' ? '' : `  (${r.status})`}`),
  ];
  for (const line of lines) out.line(safe(line));
};

const KEPT_BECAUSE = { opt_out: 'an opt-out', manual: 'added by hand', other_customer: 'another customer holds it' };

export const renderCustomerRemoved: Renderer<CustomerRemoveResult> = (r, out) => {
  const cu = r.customer;
  out.line(safe(`removed customer ${cu.company_name} (${displayTarget(cu.domain ?? cu.contact_email ?? cu.id)}) from ${r.client}`));
  for (const e of r.entries_removed) out.line(safe(`removed entry ${displayTarget(e.target)} (${e.reason})`));
  for (const e of r.entries_kept) out.line(safe(`kept entry ${displayTarget(e.target)} (${e.reason}): ${KEPT_BECAUSE[e.why]}`));
  out.warn('the next import that holds this customer brings it back');
};
