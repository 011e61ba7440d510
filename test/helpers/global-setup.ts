// Runs once per `vitest run`: builds a migrated embedded database to copy for each test (initdb
// costs seconds; a copy costs milliseconds) and finds out whether the PostgreSQL server is up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/open.js';
import { serverReachable, TEST_DATABASE_URL } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedTemplate: string;
    postgresAvailable: boolean;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'aos-test-'));
  const template = join(root, 'template');
  const db = await openDatabase({ dataDir: template });
  await db.close();
  project.provide('embeddedTemplate', template);

  const reachable = await serverReachable();
  if (!reachable && process.env.CI === 'true') {
    throw new Error(`CI=true but no PostgreSQL server answers at ${TEST_DATABASE_URL}: the server tests cannot be skipped in CI`);
  }
  if (!reachable) console.warn(`PostgreSQL not reachable at ${TEST_DATABASE_URL}: server tests are skipped (they never are with CI=true)`);
  project.provide('postgresAvailable', reachable);
  return () => rmSync(root, { recursive: true, force: true });
}
