// `signals rebuild|show|top|boost` for people. Names, industries and services come from clients'
// files: shown, never interpreted (without terminal controls).
import { displayTarget, targetAsTyped } from '../../domain/display.js';
import { withoutControls as safe } from '../../domain/printable.js';
import type { BuyerSignalView, RebuildResult, SignalView } from '../../services/buyer-signal-service.js';
import type { BoostOutcome, SignalLookup } from '../../services/signal-lookup.js';
import type { Renderer } from '../context.js';

/** Full signal or the anonymous four fields (the service's isFullSignal, without loading it here). */
const isFullSignal = (v: SignalView): v is BuyerSignalView => 'company_name' in v;

export const renderRebuild: Renderer<RebuildResult> = (r, out) => {
  out.line(`rebuilt ${r.domains} domain signals in ${r.seconds}s: ${r.changed === 0 ? 'nothing changed' : `${r.changed} changed`}`);
  out.table(['buyer_score', 'domains'], Object.entries(r.distribution).map(([score, n]) => [score, String(n)]));
};

/** `targets`: as typed, shown beside a domain that reads differently; `minClients`: k of SPEC §8. */
export const renderSignals = (targets: readonly string[], minClients: number): Renderer<SignalLookup[]> => (signals, out) => {
  signals.forEach((sig, i) => {
    if ('signal' in sig) return out.line(`${safe(sig.input)}: ${sig.error ? `invalid (${sig.error})` : 'no signal'}`);
    out.line(`${safe(targetAsTyped(sig.domain, targets[i] ?? sig.domain))}  score ${sig.buyer_score}  boost +${sig.buyer_boost}`);
    const bought = `bought from ${sig.times_bought} agenc${sig.times_bought === 1 ? 'y' : 'ies'}`;
    if (!isFullSignal(sig)) return out.line(`  ${bought}; details withheld (shown from ${minClients} agencies, to keep clients anonymous)`);
    out.line(`  ${bought}; services: ${sig.services_bought.map(safe).join(', ') || '-'}; deals ${deals(sig)}`);
    out.line(`  ${[sig.company_name, sig.industry, sig.employee_count_range].filter(Boolean).map((v) => safe(v as string)).join(' · ')}`);
  });
};

const WITHHELD = ['(withheld)', '(withheld)', '(withheld)'];

// A band at k (k + 1 clients' deals fall in it); the exact average only with anonymity off (k = 1).
const deals = (sig: BuyerSignalView) => [sig.deal_value_band, sig.avg_deal_value && `avg ${sig.avg_deal_value}`].filter(Boolean).join(', ') || '-';

export const renderTopSignals = (minClients: number): Renderer<SignalView[]> => (top, out) => {
  if (top.length === 0) return out.info('no signals yet: import customers or run `aos signals rebuild`');
  const details = (sig: SignalView) => (isFullSignal(sig) ? [sig.services_bought.map(safe).join(',') || '-', deals(sig), sig.industry ? safe(sig.industry) : '-'] : WITHHELD);
  out.table(
    ['domain', 'score', 'boost', 'bought', 'services', 'deals', 'industry'],
    top.map((sig) => [displayTarget(sig.domain), String(sig.buyer_score), `+${sig.buyer_boost}`, `${sig.times_bought}x`, ...details(sig)]),
  );
  if (top.some((sig) => !isFullSignal(sig))) out.info(`details of domains fewer than ${minClients} agencies bought are withheld, to keep clients anonymous`);
};

export const renderBoosts: Renderer<BoostOutcome[]> = (boosts, out) => {
  for (const b of boosts) out.line('error' in b ? `${safe(b.input)}\tinvalid (${b.error})` : `${safe(b.input)}\t${b.buyer_score ?? '-'}\t+${b.buyer_boost}`);
};
