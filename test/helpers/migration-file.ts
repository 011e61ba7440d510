import { readdirSync } from 'node:fs';

/** A migration's SQL file by its name, whatever number merges gave it (drizzle/NNNN_name.sql). */
export function migrationFile(name: string): URL {
  const dir = new URL('../../drizzle/', import.meta.url);
  const file = readdirSync(dir).find((f) => f.replace(/^\d{4}_/, '') === `${name}.sql`);
  if (!file) throw new Error(`no migration named ${name} in drizzle/`);
  return new URL(file, dir);
}
