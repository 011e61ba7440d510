// `aos check TARGET… --explain` (issue 16) for people: the verdict of `check`, with why.
import { withoutControls as safe } from '../../domain/printable.js';
import type { CheckResult } from '../../services/suppression-service.js';
import type { ExplainedEntry, ExplainedOutcome, ExplainHistoryEvent } from '../../services/explain-service.js';
import type { Renderer } from '../context.js';
import type { Output } from '../output.js';

const COVERS = {
  exact: 'the entry is the target itself',
  canonical_email: 'the entry is the same mailbox (address canonicalized: case, +tag, gmail dots)',
  email_domain: "the entry is the email's domain",
  parent_domain: 'the entry is a parent domain of the target',
};
const NEARBY = {
  expired: 'expired entry',
  subdomain: 'covers only a subdomain',
  sibling_subdomain: 'sibling subdomain',
  same_domain_email: 'another address at this domain',
};

/** Where the matching entry came from: an import (file, run, customer) or a hand-made change. */
function describeOrigin(o: ExplainedEntry['origin']): string {
  return o.type === 'import'
    ? `import${o.file_name ? ` of ${o.file_name} (run ${o.run_id?.slice(0, 8)})` : ''}${o.customer ? `, customer ${o.customer}` : ''}, ${o.at ?? '?'} by ${o.actor ?? '?'}`
    : `${o.type} by ${o.actor ?? '?'}, ${o.at ?? '?'}${o.note ? `: "${o.note}"` : ''}`;
}

function explainSuppressed(r: CheckResult, entry: ExplainedEntry, history: readonly ExplainHistoryEvent[], out: Output): void {
  out.line(safe(`suppressed  ${r.target}  ${r.reason}`));
  out.line(safe(`  entry     ${entry.target} (${entry.kind}${entry.scope === 'all_clients' ? ', agency-wide: holds for every client' : ''})`));
  out.line(safe(`  covers    ${entry.covers}: ${COVERS[entry.covers]}`));
  out.line(safe(`  source    ${describeOrigin(entry.origin)}`));
  out.line(safe(`  expires   ${entry.expires_at ?? 'never'}`));
  if (history.length === 0) return;
  out.line(safe('  history'));
  for (const h of history) {
    const reason = h.action === 'update' ? `${h.reason_before} → ${h.reason_after}` : (h.reason_after ?? h.reason_before ?? '');
    out.line(safe(`    ${h.at}  ${h.action} ${reason}  by ${h.actor} (${h.source})${h.notes ? `  "${h.notes}"` : ''}`));
  }
}

export const renderExplained: Renderer<ExplainedOutcome[]> = (results, out) => {
  for (const r of results) {
    if ('error' in r) {
      out.line(safe(`invalid     ${r.input}: ${r.error}`));
      continue;
    }
    if (!('explain' in r)) continue;
    const { entry, nearby } = r.explain;
    if (entry) explainSuppressed(r, entry, r.explain.history, out);
    else out.line(safe(`allowed     ${r.target}  no entry covers it`));
    if (nearby.length === 0) continue;
    out.line(safe('  nearby'));
    for (const n of nearby) out.line(safe(`    ${n.target}  ${n.reason}  ${NEARBY[n.why]}${n.expires_at ? `, expires ${n.expires_at}` : ''}${n.scope === 'all_clients' ? ', agency-wide' : ''}`));
  }
};
