import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
/** `src/cli/main.ts` once it runs itself when executed (the contract's entry), else the equivalent test entry. */
const entry = /process\.argv/.test(readFileSync(join(root, 'src/cli/main.ts'), 'utf8')) ? 'src/cli/main.ts' : 'test/unit/policy/cli-entry.ts';

function replay(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', entry, 'replay', ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, MAILWARDEN_LANG: 'en' } });
  return { code: r.status, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)), stderr: r.stderr };
}

const fixture = 'test/fixtures/replay/basic.jsonl';

describe('mailwarden replay', () => {
  it('prints a line per submit and a summary, and warns on stderr about a malformed line', () => {
    const r = replay([fixture]);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      {
        ts: '2026-01-05T09:00:02Z',
        account: 'tanaka@example.co.jp',
        messageId: '<m1@example.co.jp>',
        verdict: 'accept',
        score: 9,
        reasons: [
          // The organisation's first days: the floors (5 new recipients an hour) stand twice as wide.
          '100% of 2 external recipients in the last hour never mailed before (usual: up to 10 new an hour)',
          'first use of IP 203.0.113.5',
          'new network 203.0.113.0/24',
        ],
      },
      { type: 'summary', submits: 1, accepted: 1, deferred: 0, rejected: 0, held: 0, restricted: [] },
    ]);
    expect(r.stderr).toMatch(/^line 3: not a JSON object .*; skipped$/m);
  });

  it('reads stdin with -, and prints state changes and rejections after a restriction', () => {
    const lines = readFileSync(join(root, 'test/fixtures/replay/restriction.jsonl'), 'utf8');
    const r = replay(['--config', 'test/fixtures/replay/strict.yaml', '-'], lines);
    expect(r.code).toBe(0);
    const novel = (n: number) => `100% of ${n} external recipients in the last hour never mailed before (usual: up to 10 new an hour)`;
    const origin = ['first use of IP 198.51.100.1', 'new network 198.51.100.0/24'];
    const same = 'same body to 6 recipients (new ones counted in full) within a day';
    const base = { account: 'a@example.co.jp' };
    expect(r.lines).toEqual([
      { ts: '2026-01-05T09:00:00Z', ...base, messageId: '<r0@example.co.jp>', verdict: 'accept', score: 10, reasons: [novel(3), ...origin] },
      { ts: '2026-01-05T09:00:01Z', ...base, messageId: '<r1@example.co.jp>', verdict: 'hold', score: 21, reasons: [novel(6), same, ...origin] },
      { ts: '2026-01-05T09:00:01Z', ...base, type: 'state', state: 'restricted', reasons: ['risk 31 reached the restriction threshold 30', novel(6), same, ...origin] },
      {
        ts: '2026-01-05T09:00:02Z',
        ...base,
        messageId: '<r2@example.co.jp>',
        verdict: 'reject',
        score: 30,
        reasons: ['account restricted', novel(9), same.replace('6', '9'), ...origin],
      },
      { type: 'summary', submits: 3, accepted: 1, deferred: 0, rejected: 1, held: 1, restricted: ['a@example.co.jp'] },
    ]);
    // Nothing else on stderr for clean input: not even from the compiler setting replay makes.
    expect(r.stderr).toBe('');
  });

  it('locates client addresses that events do not, as the gateway does, unless told not to', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-replay-'));
    const base = { account: 'a@example.co.jp', mailFrom: 'a@example.co.jp', headerFrom: 'a@example.co.jp' };
    const lines = [
      { ts: '2026-01-05T09:00:00Z', type: 'auth', account: 'a@example.co.jp', ip: '14.160.1.1', ok: true },
      { ts: '2026-01-05T09:00:01Z', type: 'submit', ...base, ip: '14.160.1.1', messageId: '<m1@x>', rcpts: ['x@example.net'] },
      // Located by the stream itself: taken as it is, not looked up.
      { ts: '2026-01-06T09:00:01Z', type: 'submit', ...base, ip: '8.8.8.8', country: 'JP', messageId: '<m2@x>', rcpts: ['y@example.net'] },
      // A documentation address: nowhere.
      { ts: '2026-01-07T09:00:01Z', type: 'submit', ...base, ip: '203.0.113.5', messageId: '<m3@x>', rcpts: ['z@example.net'] },
    ].map((l) => JSON.stringify(l));
    writeFileSync(join(dir, 'e.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'gateway.yaml'), 'detection: {}\nauth:\n  geo: false\n');
    const origins = (args: string[]) => {
      const r = replay([...args, join(dir, 'e.jsonl')]);
      expect(r.stderr).toBe('');
      return r.lines.filter((l) => l.messageId).map((l) => (l.reasons as string[]).filter((x) => /IP |network|country/.test(x)));
    };
    expect(origins([])).toEqual([
      ['first use of IP 14.160.1.1 (VN, AS45899)', 'new network AS45899', 'new country VN'],
      ['first use of IP 8.8.8.8 (JP)', 'new network 8.8.8.0/24', 'new country JP'],
      ['first use of IP 203.0.113.5', 'new network 203.0.113.0/24'],
    ]);
    const unlocated = [['first use of IP 14.160.1.1', 'new network 14.160.1.0/24'], ['first use of IP 8.8.8.8 (JP)', 'new network 8.8.8.0/24', 'new country JP'], ['first use of IP 203.0.113.5', 'new network 203.0.113.0/24']];
    expect(origins(['--no-geo'])).toEqual(unlocated);
    expect(origins(['--config', join(dir, 'gateway.yaml')])).toEqual(unlocated);
  });

  it('uses the detection: key of a YAML file, or the whole document', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-replay-'));
    const events = [0, 1, 2].map((i) => JSON.stringify({ ts: `2026-01-05T09:00:0${i}Z`, type: 'submit', account: 'a@example.co.jp', ip: '198.51.100.1', messageId: `<m${i}@x>`, mailFrom: 'a@example.co.jp', headerFrom: 'a@example.co.jp', rcpts: ['b@example.co.jp'] }));
    writeFileSync(join(dir, 'e.jsonl'), `${events.join('\n')}\n`);
    writeFileSync(join(dir, 'nested.yaml'), 'detection:\n  limits:\n    messagesPerMinute: 1\n');
    writeFileSync(join(dir, 'whole.yaml'), 'limits:\n  messagesPerMinute: 2\n');
    const count = (cfg: string) => replay(['--config', join(dir, cfg), join(dir, 'e.jsonl')]).lines.at(-1).accepted;
    expect(count('nested.yaml')).toBe(1);
    expect(count('whole.yaml')).toBe(2);
  });

  it('refuses a sender that is neither the account nor one of its configured aliases, as the gateway does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-replay-'));
    const ev = (i: number, from: string) => JSON.stringify({ ts: `2026-01-05T09:00:0${i}Z`, type: 'submit', account: 'a@example.co.jp', ip: '198.51.100.1', messageId: `<m${i}@x>`, mailFrom: 'a@example.co.jp', headerFrom: from, rcpts: ['b@example.net'] });
    writeFileSync(join(dir, 'e.jsonl'), `${[ev(0, 'A@example.co.jp'), ev(1, 'ceo@example.co.jp'), ev(2, 'Sales <sales@example.co.jp>')].join('\n')}\n`);
    writeFileSync(join(dir, 'aliases.yaml'), 'accounts:\n  a@example.co.jp:\n    aliases: [sales@example.co.jp]\n');
    const run = replay([join(dir, 'e.jsonl')]);
    const plain = run.lines;
    // stderr says how many, and where aliases go.
    expect(run.stderr).toMatch(/^2 submission\(s\) refused because the sender .*accounts\.ADDRESS\.aliases.*mailwarden user aliases/);
    expect(plain.slice(0, 3).map((l) => l.verdict)).toEqual(['accept', 'reject', 'reject']);
    expect(plain[1]).toMatchObject({ messageId: '<m1@x>', verdict: 'reject', score: 30, reasons: ["sender <ceo@example.co.jp> (From header) is not this account's address or one of its aliases"] });
    expect(plain.at(-1)).toMatchObject({ submits: 3, accepted: 1, rejected: 2, restricted: [] });
    const configured = replay(['--config', join(dir, 'aliases.yaml'), join(dir, 'e.jsonl')]).lines;
    expect(configured.slice(0, 3).map((l) => l.verdict)).toEqual(['accept', 'reject', 'accept']);
  });

  it('exits 2 with a message on a configuration error, and 0 with --help', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mw-replay-'));
    writeFileSync(join(dir, 'bad.yaml'), 'limits:\n  messagesPerMinute: -3\n');
    const bad = replay(['--config', join(dir, 'bad.yaml'), fixture]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot use configuration .*limits\.messagesPerMinute/);
    expect(bad.lines).toEqual([]);
    const help = spawnSync(process.execPath, ['--import', 'tsx', entry, 'replay', '--help'], { cwd: root, encoding: 'utf8', env: { ...process.env, MAILWARDEN_LANG: 'en' } });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mailwarden replay/);
  });
  it('takes CRLF, a lone CR and a missing final line feed as line ends, counting lines as readline does', () => {
    const lf = readFileSync(join(root, 'test/fixtures/replay/restriction.jsonl'), 'utf8').split('\n').filter(Boolean);
    const dir = mkdtempSync(join(tmpdir(), 'mw-replay-'));
    writeFileSync(join(dir, 'lf.jsonl'), `${lf.join('\n')}\n`);
    writeFileSync(join(dir, 'mixed.jsonl'), `${lf[0]}\r\n${lf[1]}\r${lf.slice(2).join('\r\n')}\n\r\nnot json`);
    const args = (f: string) => ['--config', 'test/fixtures/replay/strict.yaml', join(dir, f)];
    const mixed = replay(args('mixed.jsonl'));
    expect(mixed.lines).toEqual(replay(args('lf.jsonl')).lines);
    expect(mixed.stderr).toMatch(new RegExp(`^line ${lf.length + 2}: not a JSON object`, 'm'));
  });
  it('decides the same whatever the order of keys in a line, and ignores fields it does not know', () => {
    const lines = readFileSync(join(root, 'test/fixtures/replay/restriction.jsonl'), 'utf8').split('\n').filter(Boolean);
    const shuffled = lines.map((l, i) => {
      const entries = Object.entries(JSON.parse(l) as Record<string, unknown>);
      const turned = i % 2 === 0 ? entries.reverse() : [...entries.slice(3), ...entries.slice(0, 3)];
      return JSON.stringify(Object.fromEntries([...turned, ['tenant', 'ignored'], ['extra', { nested: [1, 2] }]]));
    });
    const dir = mkdtempSync(join(tmpdir(), 'mw-replay-'));
    writeFileSync(join(dir, 'plain.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'shuffled.jsonl'), `${shuffled.join('\n')}\n`);
    const args = (f: string) => ['--config', 'test/fixtures/replay/strict.yaml', join(dir, f)];
    const plain = replay(args('plain.jsonl'));
    expect(plain.lines.length).toBeGreaterThan(1);
    expect(replay(args('shuffled.jsonl')).lines).toEqual(plain.lines);
  });

  it('ends quietly when the reader of its output goes away (| head)', async () => {
    // Enough output to fill the pipe: the 10-day simulation, and its replay.
    const events = join(mkdtempSync(join(tmpdir(), 'mw-replay-')), 'e.jsonl');
    writeFileSync(events, spawnSync(process.execPath, ['--import', 'tsx', entry, 'simulate', '--accounts', '50', '--days', '10'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }).stdout);
    // With its configuration written, simulate has nothing to say on stderr either.
    for (const args of [['replay', events], ['simulate', '--accounts', '50', '--days', '10', '--write-config', `${events}.yaml`]]) {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, env: { ...process.env, MAILWARDEN_LANG: 'en' } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Read the first chunk only, then close the pipe, as head does.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ args: args[0], code, stderr }).toEqual({ args: args[0], code: 0, stderr: '' });
    }
  }, 60_000);
});
