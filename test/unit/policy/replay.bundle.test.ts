import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledReplay, freshBundle, writeReplayCodeCache } from '../../../src/cli/replay-bundle.js';

const root = join(import.meta.dirname, '../../..');
const bundle = join(root, 'dist/cli/replay.bundle.cjs');
const built = existsSync(join(root, 'dist/cli/main.js')) && existsSync(bundle);
if (!built && process.env.CI) throw new Error('dist/ is missing: `npm ci` builds it through the prepare script');
if (!built) console.warn('replay.bundle.test: skipped, the CLI is not built here (run `npm run build`)');

function run(args: string[], input?: string) {
  return spawnSync(process.execPath, args, { cwd: root, input, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, MAILWARDEN_LANG: 'en' } });
}

describe('the replay command as one file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is used only while it is newer than the compiled command', () => {
    const here = pathToFileURL(join(dir, 'main.js')).href;
    expect(freshBundle(here)).toBeUndefined();
    writeFileSync(join(dir, 'replay.js'), '');
    writeFileSync(join(dir, 'replay.bundle.cjs'), '');
    utimesSync(join(dir, 'replay.js'), 1000, 1000);
    utimesSync(join(dir, 'replay.bundle.cjs'), 2000, 2000);
    expect(freshBundle(here)).toBe(join(dir, 'replay.bundle.cjs'));
    // `tsc` alone rewrote the compiled command after the bundle was made.
    utimesSync(join(dir, 'replay.js'), 3000, 3000);
    expect(freshBundle(here)).toBeUndefined();
  });

  it('takes a code cache only if it was made from the very same bundle', async () => {
    const cjs = (answer: number) => `module.exports = { summary: { en: '', ja: '' }, run: async () => ${answer} - ${answer} + (globalThis.mwAnswer = ${answer}, 0) };`;
    const own = join(dir, 'own');
    mkdirSync(own);
    const here = pathToFileURL(join(own, 'main.js')).href;
    writeFileSync(join(own, 'replay.js'), '');
    utimesSync(join(own, 'replay.js'), 1000, 1000);
    writeFileSync(join(own, 'replay.bundle.cjs'), cjs(41));
    expect(bundledReplay(here)?.cached).toBe(false);
    await writeReplayCodeCache(here);
    expect(existsSync(join(own, 'replay.bundle.cache'))).toBe(true);
    const withCache = bundledReplay(here);
    expect(withCache?.cached).toBe(true);
    await withCache?.group.run([]);
    expect((globalThis as { mwAnswer?: number }).mwAnswer).toBe(41);
    // A bundle of the same length (all V8 itself compares of the source) but other code.
    writeFileSync(join(own, 'replay.bundle.cjs'), cjs(42));
    const changed = bundledReplay(here);
    expect(changed?.cached).toBe(false);
    await changed?.group.run([]);
    expect((globalThis as { mwAnswer?: number }).mwAnswer).toBe(42);
  });

  it.skipIf(!built)('decides byte for byte as the sources do, with a configuration file and from stdin', () => {
    const sim = run(['bin/mailwarden.js', 'simulate', '--accounts', '12', '--days', '6', '--seed', '5', '--attack', 'blast', '--attack', 'hijack', '--write-config', join(dir, 'sim.yaml')]);
    expect(sim.status).toBe(0);
    writeFileSync(join(dir, 'sim.jsonl'), sim.stdout);
    // The built CLI loads the bundle, and V8 takes its code cache (made by the same Node.js).
    const loaded = run(['--input-type=module', '-e', "import { bundledReplay } from './dist/cli/replay-bundle.js'; const r = bundledReplay(); console.log(JSON.stringify({ cached: r?.cached, run: typeof r?.group.run }))"]);
    expect(JSON.parse(loaded.stdout)).toEqual({ cached: true, run: 'function' });
    const fromBundle = run(['bin/mailwarden.js', 'replay', '--config', join(dir, 'sim.yaml'), '-'], sim.stdout);
    const fromSources = run(['--import', 'tsx', 'test/unit/policy/cli-entry.ts', 'replay', '--config', join(dir, 'sim.yaml'), join(dir, 'sim.jsonl')]);
    expect(fromBundle.status).toBe(0);
    expect(fromBundle.stderr).toBe(fromSources.stderr);
    expect(fromBundle.stdout.split('\n').length).toBeGreaterThan(500);
    expect(fromBundle.stdout).toContain('"state":"restricted"');
    expect(fromBundle.stdout).toBe(fromSources.stdout);
    // Addresses only, located by replay: from dist/geo-ranges.bin in the build, from the CSV in the sources.
    const bare = sim.stdout.replace(/,"(asn|country)":(\d+|"[A-Z]{2}")/g, '');
    expect(bare).not.toContain('"country"');
    writeFileSync(join(dir, 'bare.jsonl'), bare);
    const locatedBundle = run(['bin/mailwarden.js', 'replay', '--config', join(dir, 'sim.yaml'), join(dir, 'bare.jsonl')]);
    const locatedSources = run(['--import', 'tsx', 'test/unit/policy/cli-entry.ts', 'replay', '--config', join(dir, 'sim.yaml'), join(dir, 'bare.jsonl')]);
    expect(existsSync(join(root, 'dist/geo-ranges.bin'))).toBe(true);
    expect(locatedBundle.stdout).toMatch(/ \([A-Z]{2}, AS\d+\)/);
    expect(locatedBundle.stdout).toBe(locatedSources.stdout);
    expect(locatedBundle.stderr).toBe(locatedSources.stderr);
  });

  it.skipIf(!built)('reports a configuration error as the sources do', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'detection:\n  limits: {perMinute: x}\n');
    const r = run(['bin/mailwarden.js', 'replay', '--config', join(dir, 'bad.yaml'), join(root, 'test/fixtures/replay/basic.jsonl')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^Cannot use configuration .*bad\.yaml: limits: Unrecognized key: "perMinute"/);
    expect(r.stdout).toBe('');
  });
});
