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
import { pathToFileURL } from 'node:url';
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

// Each of the three is an optimisation with a fallback (the compiled command, V8's own compiling,
// the CSV files): one that cannot be made is reported, and the install goes on.
function optional(what: { en: string; ja: string }, step: () => unknown): Promise<void> {
  return Promise.resolve()
    .then(step)
    .then(
      () => undefined,
      (err: unknown) => {
        process.stderr.write(`warning: ${what.en} could not be made (${(err as Error).message}); mailwarden replay will start more slowly\n`);
        process.stderr.write(`警告: ${what.ja}を作成できませんでした (${(err as Error).message})。mailwarden replay の起動が遅くなります\n`);
      },
    );
}

await optional({ en: 'the replay bundle', ja: 'replay のバンドル' }, () =>
  build({
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
  }),
);

// The GeoIP ranges replay locates client addresses with (`Locator` in src/cli/replay.ts).
await optional({ en: 'the file of GeoIP ranges', ja: 'GeoIP 範囲ファイル' }, () => new GeoDb().writeRanges(join(cli, '..', 'geo-ranges.bin')));

await optional({ en: 'the code cache of the replay bundle', ja: 'replay バンドルのコードキャッシュ' }, () => {
  const loader = pathToFileURL(join(cli, 'replay-bundle.js')).href;
  const made = spawnSync(process.execPath, ['--input-type=module', '-e', `import { writeReplayCodeCache } from ${JSON.stringify(loader)}; await writeReplayCodeCache();`], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const lines = String(made.stderr).split('\n');
  if (made.status !== 0) throw new Error(`status ${made.status}: ${lines.find((l) => /Error/.test(l))?.trim() ?? lines.join(' ').trim()}`);
});
