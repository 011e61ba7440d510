// Bundles the CLI after tsc has built dist/: two programs into dist/cli, each an entry plus lazily
// loaded chunks beside it. Why: `aos check` is called once per lead from shell scripts, and
// resolving and compiling separate modules is most of a cold start (BENCHMARKS.md).
//  - aos.bundle.js: every command; a command's module and its services load when it runs.
//  - check.script.js: `check` alone (bin/aos.js picks it by the command word), one CommonJS-style
//    script run with V8's code cache (src/cli/code-cache.ts). Built apart, the code it shares with
//    other commands is not split into the many chunks that sharing makes.
//  - target-rows-worker.bundle.js: the reader thread of a bulk `check --file`, one file of its
//    own (it loads nothing lazily), started by whichever program runs the check.
// A process runs one program, so no module is loaded twice, and the programs share no file. The library
// (dist/index.js) stays unbundled. Chunks sit next to the entries, two levels below the package
// root like every dist/ module, so import.meta.url-relative paths (package.json, drizzle/) hold.
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
// The previous build's bundles and chunks (an esbuild chunk name ends in an 8-character hash),
// never tsc's own modules beside them: src/cli/check-leads.ts is dist/cli/check-leads.js.
const BUNDLE_OUTPUT = /^(bundle|check)-.+-[A-Z0-9]{8}\.js$|\.bundle\.js$|^check\.script\.js$/;
for (const f of readdirSync(outdir)) if (BUNDLE_OUTPUT.test(f)) rmSync(`${outdir}/${f}`);

const common = {
  outdir,
  bundle: true,
  splitting: true, // prompts, import, CSV writers and PGlite glue load only when a command needs them
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // PGlite finds its WebAssembly and data files next to its own module. exceljs (read only for an
  // .xlsx input, loaded then) is a CommonJS tree of its own: left to Node, not to the bundle.
  external: ['@electric-sql/pglite', 'exceljs'],
  // CommonJS dependencies (commander, tldts) call require() for Node built-ins.
  banner: { js: "import { createRequire as __aosCreateRequire } from 'node:module'; const require = __aosCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  // Less to parse on every start (identifiers stay, so a stack trace under AOS_DEBUG=1 still names functions).
  minifyWhitespace: true,
  minifySyntax: true,
};

await Promise.all([
  build({
    ...common,
    entryPoints: { aos: `${root}src/cli/programs/all-commands.ts` },
    entryNames: '[name].bundle',
    chunkNames: 'bundle-[name]-[hash]',
  }),
  build({
    ...common,
    entryPoints: { 'target-rows-worker': `${root}src/cli/workers/target-rows-worker.ts` },
    entryNames: '[name].bundle',
    splitting: false,
  }),
  // One classic script, not ES modules: bin/aos.js runs it through vm.Script with V8's code
  // cache (src/cli/code-cache.ts), which Node 20 offers for scripts only. Its lazily loaded parts
  // are in the one file and evaluated when first imported; PGlite and exceljs stay import()s.
  build({
    ...common,
    entryPoints: [`${root}src/cli/programs/check-only.ts`],
    outfile: `${outdir}/check.script.js`,
    outdir: undefined,
    splitting: false,
    format: 'cjs',
    // The script is wrapped in a function whose parameters are require and __aosUrl.
    banner: undefined,
    // import() of PGlite and exceljs becomes require(): a vm.Script compiled from a code cache
    // cannot import() (Node 20 loses its import callback, and the main context's loader for
    // scripts is experimental, with a warning on stderr). PGlite ships CommonJS too.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__aosUrl' },
    // iconv-lite's code-page tables (half a megabyte) only for a --file in another encoding: required
    // from node_modules then, not parsed into every check's script and code cache.
    external: [...common.external, 'iconv-lite'],
  }),
]);
