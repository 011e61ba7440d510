// `db migrate` and `db status` for people.
import type { MigrateResult } from '../../services/migration-service.js';
import type { DatabaseStatus } from '../../services/status-service.js';
import type { Renderer } from '../context.js';

export const renderMigrated: Renderer<MigrateResult> = (r, out) => {
  out.line(r.applied.length === 0 ? `${r.location}: already up to date (${r.total_applied} migrations)` : `${r.location}: applied ${r.applied.length} migration(s): ${r.applied.join(', ')}`);
};

export const renderStatus: Renderer<DatabaseStatus> = (status, out) => {
  out.line(`database:   ${status.kind === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL'} ${status.location}`);
  const m = status.migrations;
  out.line(`migrations: ${m.applied}/${m.total} applied${m.up_to_date ? '' : ` — pending: ${m.pending.join(', ')} (run \`aos db migrate\`)`}`);
  if (!status.tables) return;
  out.line('');
  out.table(['table', 'rows'], Object.entries(status.tables).map(([t, n]) => [t, String(n)]));
};
