// `suppress add|remove|list --all-clients`: the agency-wide list (issue 16). suppress.ts hands
// over here when the flag is given, so its own handlers stay about one client.
import { withoutControls as safe } from '../../domain/printable.js';
import { resolveExpiry } from '../../domain/expiry.js';
import { AosError } from '../../errors.js';
import type { TargetInput } from '../../services/suppression-service.js';
import type { CliContext } from '../context.js';

/** --all-clients or --client, exactly one. */
export async function agencyWide(opts: { client?: string | undefined; allClients?: true | undefined }): Promise<boolean> {
  if (opts.allClients && opts.client) throw new AosError('usage', 'give --client C or --all-clients, not both');
  if (!opts.allClients && !opts.client) throw new AosError('usage', "required option '-c, --client <client>' not specified", 'or --all-clients for the agency-wide list');
  return Boolean(opts.allClients);
}

async function service(c: CliContext) {
  const { AgencyListService } = await import('../../services/agency-list-service.js');
  return new AgencyListService({ db: await c.database(), actor: c.actor });
}

export async function addAgencyWide(
  c: CliContext,
  items: TargetInput[],
  opts: { reason: string; expires?: string | undefined; for?: string | undefined; note?: string | undefined; force?: true | undefined },
) {
  return (await service(c)).add({ targets: items, reason: opts.reason, expiresAt: resolveExpiry(opts, new Date()), note: opts.note, force: Boolean(opts.force) });
}

export async function removeAgencyWide(c: CliContext, items: TargetInput[], opts: { force?: true | undefined; json?: true | undefined }): Promise<void> {
  const result = await (await service(c)).remove({ targets: items, force: Boolean(opts.force) });
  if (opts.json) return c.output.json(result);
  for (const e of result.removed) c.output.line(safe(`removed ${e.target} (${e.reason}) from the agency-wide list`));
  for (const t of result.not_found) c.output.line(safe(`not on the agency-wide list: ${t} (nothing to remove)`));
}

export async function listAgencyWide(c: CliContext, opts: { reason?: string | undefined; includeExpired: boolean }) {
  return (await service(c)).list(opts);
}

export async function historyAgencyWide(c: CliContext, target: string | undefined) {
  return (await service(c)).history({ target });
}
