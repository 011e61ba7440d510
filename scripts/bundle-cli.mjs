// Bundles the CLI (dist/cli/main.bundle.js plus lazily loaded chunks beside it) after tsc has
// built dist/. Why: `aos check` is called once per lead from shell scripts, and resolving and
// compiling ~50 separate modules cost ~40 ms of a ~175 ms cold start (BENCHMARKS.md). The library
// (dist/index.js) stays unbundled. Chunks sit next to the entry, two levels below the package
// root like every dist/ module, so import.meta.url-relative paths (package.json, drizzle/) hold.
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
for (const f of readdirSync(outdir)) if (f.startsWith('bundle-') || f.includes('.bundle.')) rmSync(`${outdir}/${f}`);

await build({
  entryPoints: [`${root}src/cli/main.ts`, `${root}src/cli/workers/target-rows-worker.ts`],
  outdir,
  entryNames: '[name].bundle',
  chunkNames: 'bundle-[name]-[hash]',
  bundle: true,
  splitting: true, // prompts, import, CSV writers and PGlite glue load only when a command needs them
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // PGlite finds its WebAssembly and data files next to its own module.
  external: ['@electric-sql/pglite'],
  // CommonJS dependencies (commander, tldts) call require() for Node built-ins.
  banner: { js: "import { createRequire as __aosCreateRequire } from 'node:module'; const require = __aosCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  // Less to parse on every start (identifiers stay, so a stack trace under AOS_DEBUG=1 still names functions).
  minifyWhitespace: true,
  minifySyntax: true,
});
