import { readdirSync } from 'node:fs';

// Migrations 0000-0022 were squashed into drizzle/0000_baseline.sql; their files are kept here.
const OLD_CHAIN = new URL('../fixtures/migrations-v1/', import.meta.url);

/**
 * A migration's SQL file by its name, whatever number merges gave it (drizzle/NNNN_name.sql), or
 * one of the chain the baseline replaced (test/fixtures/migrations-v1/).
 */
export function migrationFile(name: string): URL {
  for (const dir of [new URL('../../drizzle/', import.meta.url), OLD_CHAIN]) {
    const file = readdirSync(dir).find((f) => f.replace(/^\d{4}_/, '') === `${name}.sql`);
    if (file) return new URL(file, dir);
  }
  throw new Error(`no migration named ${name} in drizzle/ or test/fixtures/migrations-v1/`);
}

/** The folder of the migrations the baseline replaced (a drizzle migrations folder, journal included). */
export const OLD_CHAIN_FOLDER = OLD_CHAIN.pathname;
