import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACK_ID_PREFIX } from '../../../src/policy/simulation/sink.js';
import { DEFAULT_START, simulate } from '../../../src/policy/simulation/stream.js';

const root = join(import.meta.dirname, '../../..');
const entry = /process\.argv/.test(readFileSync(join(root, 'src/cli/main.ts'), 'utf8')) ? 'src/cli/main.ts' : 'test/unit/policy/cli-entry.ts';
const small = { accounts: 12, days: 4, attacks: ['blast' as const], start: DEFAULT_START };

describe('simulation', () => {
  it('is the same stream for the same seed and a different one for another seed', () => {
    const a = JSON.stringify(simulate({ ...small, seed: 7 }).events);
    expect(JSON.stringify(simulate({ ...small, seed: 7 }).events)).toBe(a);
    expect(JSON.stringify(simulate({ ...small, seed: 8 }).events)).not.toBe(a);
  });

  it('writes events in time order, marks only attack messages, and includes every event type', () => {
    const { events } = simulate({ ...small, days: 8, seed: 3, attacks: ['spray'] });
    const times = events.map((e) => Date.parse(e.ts));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['auth', 'submit', 'bounce', 'credential']));
    const attack = events.filter((e) => e.type === 'submit' && e.messageId.startsWith(ATTACK_ID_PREFIX));
    expect(attack).toHaveLength(300);
    expect(attack.every((e) => e.type === 'submit' && e.messageId.startsWith(`${ATTACK_ID_PREFIX}spray-`))).toBe(true);
    expect(events.filter((e) => e.type === 'auth' && !e.ok).length).toBeGreaterThanOrEqual(12);
  });

  it('prints the same JSON lines from the command line for the same seed, and the matching config', () => {
    const run = () => spawnSync(process.execPath, ['--import', 'tsx', entry, 'simulate', '--accounts', '6', '--days', '2', '--seed', '5'], { cwd: root, encoding: 'utf8' });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(run().stdout);
    const lines = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(20);
    expect(lines[0]).toHaveProperty('ts');
    // Without the configuration, a note on stderr says that the newsletter needs it.
    expect(first.stderr).toMatch(/news@example\.co\.jp/);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', entry, 'simulate', '--attack', 'nonsense'], { cwd: root, encoding: 'utf8', env: { ...process.env, MAILWARDEN_LANG: 'en' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown attack "nonsense"/);
  });
});
