import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { replayModule } from '../../../src/cli/main.js';

const root = join(import.meta.dirname, '../../..');
const bundle = join(root, 'dist/cli/replay.bundle.js');
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
    expect(replayModule(here)).toBe('./replay.js');
    writeFileSync(join(dir, 'replay.js'), '');
    writeFileSync(join(dir, 'replay.bundle.js'), '');
    utimesSync(join(dir, 'replay.js'), 1000, 1000);
    utimesSync(join(dir, 'replay.bundle.js'), 2000, 2000);
    expect(replayModule(here)).toBe(pathToFileURL(join(dir, 'replay.bundle.js')).href);
    // `tsc` alone rewrote the compiled command after the bundle was made.
    utimesSync(join(dir, 'replay.js'), 3000, 3000);
    expect(replayModule(here)).toBe('./replay.js');
  });

  it.skipIf(!built)('decides byte for byte as the sources do, with a configuration file and from stdin', () => {
    const sim = run(['bin/mailwarden.js', 'simulate', '--accounts', '12', '--days', '6', '--seed', '5', '--attack', 'blast', '--attack', 'hijack', '--write-config', join(dir, 'sim.yaml')]);
    expect(sim.status).toBe(0);
    writeFileSync(join(dir, 'sim.jsonl'), sim.stdout);
    expect(replayModule(pathToFileURL(join(root, 'dist/cli/main.js')).href)).toBe(pathToFileURL(bundle).href);
    const fromBundle = run(['bin/mailwarden.js', 'replay', '--config', join(dir, 'sim.yaml'), '-'], sim.stdout);
    const fromSources = run(['--import', 'tsx', 'test/unit/policy/cli-entry.ts', 'replay', '--config', join(dir, 'sim.yaml'), join(dir, 'sim.jsonl')]);
    expect(fromBundle.status).toBe(0);
    expect(fromBundle.stderr).toBe(fromSources.stderr);
    expect(fromBundle.stdout.split('\n').length).toBeGreaterThan(500);
    expect(fromBundle.stdout).toContain('"state":"restricted"');
    expect(fromBundle.stdout).toBe(fromSources.stdout);
  });

  it.skipIf(!built)('reports a configuration error as the sources do', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'detection:\n  limits: {perMinute: x}\n');
    const r = run(['bin/mailwarden.js', 'replay', '--config', join(dir, 'bad.yaml'), join(root, 'test/fixtures/replay/basic.jsonl')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^Cannot use configuration .*bad\.yaml: limits: Unrecognized key: "perMinute"/);
    expect(r.stdout).toBe('');
  });
});
