// A quick smoke run of `npm run bench`, so the benchmark cannot rot (the full run is not a test).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runBenchmarks } from '../../bench/run.js';

describe.runIf(inject('postgresAvailable'))('npm run bench -- --quick', () => {
  it('measures every section and writes the report', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'aos-bench-smoke-')), 'BENCHMARKS.md');
    // The suite's migrated template spares the bench its own initdb; one cold run is enough to fill a cell.
    await runBenchmarks({ quick: true, runs: 1, sizes: [1000], out, log: () => {}, embeddedTemplate: inject('embeddedTemplate'), coldRuns: 1 });
    const report = readFileSync(out, 'utf8');
    for (const section of ['## Import', '## Check', '## Signals', '## Sync']) expect(report).toContain(section);
    expect(report).toMatch(/\| 1,000 \| \d+\.\d\d \|/); // a measured import row
    // Every measured cell holds a number, on both databases (a '–' means a section did not run).
    expect(report).toMatch(/cold single `aos check` \| \d+ ms \| \d+ ms \|/);
    expect(report).toMatch(/\| bulk check \| \d+\.\d\d s \(.+\) \| \d+\.\d\d s \(.+\) \|/);
    expect(report).toMatch(/\| `aos signals rebuild` \| \d+\.\d\d s \| \d+\.\d\d s \|/);
    expect(report).toMatch(/\| customers \| [\d,]+ \| [\d,]+ \|/);
    expect(report).toMatch(/\| 2,000 customers, 1,000 churned \| \d+\.\d\d s \| \d+\.\d\d s \| \d+\.\d\d× \|/);
  }, 180_000);
});
