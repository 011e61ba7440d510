// What a client's imports remember in import_runs: each run's row, with the mapping and settings
// it confirmed (proposed again for the same header set) and its counts.
import { and, desc, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { Orm } from '../../db/database.js';
import { importRuns } from '../../db/schema.js';
import { headerKey, type MappingByName } from '../../domain/column-mapping.js';
import type { StatusClass } from '../../domain/values.js';

/** The import_runs.mapping document: the columns and the settings. */
export interface RememberedMapping {
  fields: MappingByName;
  date_format?: string | null;
  status_map?: Record<string, StatusClass>;
  delimiter?: string | null;
  encoding?: string | null;
}

/** A delimiter and/or encoding given by hand on an earlier run. */
export interface InputOverride {
  delimiter?: string;
  encoding?: string;
}

// A run undone in part (--force kept rows a later run or a hand had changed) still stands in part,
// with its mapping: the next file of those columns gets it proposed. A run undone whole does not.
const completedOf = (clientId: string) => and(eq(importRuns.clientId, clientId), inArray(importRuns.status, ['completed', 'partially_undone']));

/** The mapping and settings confirmed by the last import of this client with the same header set. */
export async function rememberedMapping(orm: Orm, clientId: string, headers: readonly string[]): Promise<RememberedMapping | null> {
  const [run] = await orm
    .select({ mapping: importRuns.mapping })
    .from(importRuns)
    .where(and(completedOf(clientId), eq(importRuns.headerKey, headerKey(headers))))
    .orderBy(desc(importRuns.finishedAt))
    .limit(1);
  let mapping = run?.mapping;
  if (typeof mapping === 'string') mapping = JSON.parse(mapping) as unknown;
  if (!mapping || typeof mapping !== 'object' || !('fields' in mapping)) return null;
  return mapping as RememberedMapping;
}

/**
 * Delimiter/encoding overrides remembered for this client that differ from what was detected:
 * the one of this header set's run first, else those of its last few runs with an override (a
 * wrong delimiter gives another header set, so the header key alone cannot find them).
 */
export async function rememberedInputOverrides(
  orm: Orm,
  clientId: string,
  headers: readonly string[],
  detected: { delimiter: string; encoding: string },
): Promise<Array<{ headerKey: string; override: InputOverride }>> {
  const key = headerKey(headers);
  const delimiter = sql<string | null>`${importRuns.mapping}->>'delimiter'`;
  const encoding = sql<string | null>`${importRuns.mapping}->>'encoding'`;
  const rows = await orm
    .select({ headerKey: importRuns.headerKey, delimiter, encoding })
    .from(importRuns)
    .where(and(completedOf(clientId), or(eq(importRuns.headerKey, key), isNotNull(delimiter), isNotNull(encoding))))
    .orderBy(sql`${importRuns.headerKey} = ${key} desc`, desc(importRuns.finishedAt))
    .limit(5);
  const [own] = rows;
  if (own && own.headerKey === key && own.delimiter === null && own.encoding === null) return [];
  const out: Array<{ headerKey: string; override: InputOverride }> = [];
  for (const r of rows) {
    if (r.delimiter === null && r.encoding === null) continue;
    if ((r.delimiter ?? detected.delimiter) === detected.delimiter && (r.encoding ?? detected.encoding) === detected.encoding) continue;
    const override: InputOverride = {};
    if (r.delimiter !== null) override.delimiter = r.delimiter;
    if (r.encoding !== null) override.encoding = r.encoding;
    if (!out.some((o) => JSON.stringify(o.override) === JSON.stringify(override))) out.push({ headerKey: r.headerKey, override });
  }
  return out.slice(0, 3);
}

export interface RunRecord {
  clientId: string;
  fileName: string;
  sha256: string;
  headers: readonly string[];
  remembered: RememberedMapping;
  counts: Record<string, number>;
  actor: string;
  startedAt: Date;
}

/**
 * Records a completed run. It is recorded in a dry run too (then rolled back), so a dry run meets
 * every check the real one does.
 */
export async function recordRun(tx: Orm, run: RunRecord): Promise<{ id: string }> {
  const [row] = await tx
    .insert(importRuns)
    .values({
      clientId: run.clientId,
      fileName: run.fileName,
      sha256: run.sha256,
      headerKey: headerKey(run.headers),
      mapping: run.remembered,
      counts: run.counts,
      actor: run.actor,
      status: 'completed',
      startedAt: run.startedAt,
    })
    .returning({ id: importRuns.id });
  if (!row) throw new Error('import_runs insert returned no row');
  return row;
}
