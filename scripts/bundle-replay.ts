/**
 * Writes dist/cli/replay.bundle.js: the compiled `mailwarden replay` command and everything it
 * imports (the engine, the YAML parser, the schema library) as one file. Node.js loads one file
 * faster than the hundreds of modules of zod and yaml: with a configuration file, replay starts
 * about 55 ms sooner, a twentieth of a replay of the default simulation. The CLI uses the bundle
 * only while it is newer than the compiled command (`src/cli/main.ts`), so that a later `tsc`
 * alone never runs stale code. Run by `npm run build` and `npm ci` (prepare), after `tsc`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const cli = join(import.meta.dirname, '..', 'dist', 'cli');
const entry = join(cli, 'replay.js');
try {
  statSync(entry);
} catch {
  throw new Error(`${entry} is missing: run "tsc -p tsconfig.build.json" first`);
}

await build({
  entryPoints: [entry],
  outfile: join(cli, 'replay.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The YAML parser is CommonJS and requires Node's own modules.
  banner: { js: "import { createRequire as __mwCreateRequire } from 'node:module'; const require = __mwCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  legalComments: 'eof',
});
