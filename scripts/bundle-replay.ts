/**
 * Writes dist/cli/replay.bundle.cjs, the compiled `mailwarden replay` command and everything it
 * imports as one CommonJS file, and its V8 code cache (dist/cli/replay.bundle.cache); why and how
 * the CLI uses them: `src/cli/replay-bundle.ts`. Also dist/geo-ranges.bin, the GeoIP tables in the
 * form replay reads in milliseconds (`GeoDb.writeRanges`). Run by `npm run build` and `npm ci` (prepare),
 * after `tsc`. The cache is made in a process of its own, with the Node.js that runs this script.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { GeoDb } from '../src/auth/geo.js';

const cli = join(import.meta.dirname, '..', 'dist', 'cli');
const entry = join(cli, 'replay.js');
try {
  statSync(entry);
} catch {
  throw new Error(`${entry} is missing: run "tsc -p tsconfig.build.json" first`);
}
rmSync(join(cli, 'replay.bundle.cache'), { force: true });

await build({
  entryPoints: [entry],
  outfile: join(cli, 'replay.bundle.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'eof',
  // The modules find files beside themselves through import.meta.url; in the bundle, beside it.
  define: { 'import.meta.url': '__mwImportMetaUrl' },
  banner: { js: "var __mwImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The GeoIP ranges replay locates client addresses with (`Locator` in src/cli/replay.ts).
new GeoDb().writeRanges(join(cli, '..', 'geo-ranges.bin'));

const made = spawnSync(
  process.execPath,
  ['--input-type=module', '-e', `import { writeReplayCodeCache } from ${JSON.stringify(new URL(`file://${join(cli, 'replay-bundle.js')}`).href)}; await writeReplayCodeCache();`],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
if (made.status !== 0) throw new Error(`making the code cache of the replay bundle failed (status ${made.status})`);
