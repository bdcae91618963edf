import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const entry = 'test/unit/bounces/cli-entry.ts';
const fx = 'test/fixtures/bounces/';

function mailwarden(args: string[], stdin?: Buffer | string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: root,
      env: { ...process.env, MAILWARDEN_LANG: 'en' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const postfixLine = JSON.stringify({
  file: `${fx}postfix-dsn-userunknown.eml`,
  isBounce: true,
  originalMessageId: '<01JGX4K7Q2W3E5R6T7Y8U9I0PA@gw.example.co.jp>',
  recipients: [
    {
      address: 'kijitora@example.net',
      action: 'failed',
      status: '5.1.1',
      reason: 'userunknown',
      diagnostic: '550 5.1.1 <kijitora@example.net>: Recipient address rejected: User unknown in local recipient table',
      remoteMta: 'mailstore1.example.net',
    },
  ],
});

describe('mailwarden bounce parse (contract)', () => {
  it('prints one JSON line per file in order, an error line for a missing file, and exits 0', async () => {
    const r = await mailwarden(['bounce', 'parse', '--json', `${fx}postfix-dsn-userunknown.eml`, `${fx}missing.eml`, `${fx}not-a-bounce.eml`]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      postfixLine,
      JSON.stringify({ file: `${fx}missing.eml`, error: 'cannot read: no such file' }),
      JSON.stringify({ file: `${fx}not-a-bounce.eml`, isBounce: false, originalMessageId: null, recipients: [] }),
      '',
    ]);
  });

  it('reads "-" from standard input and names it "-"', async () => {
    const { readFileSync } = await import('node:fs');
    const r = await mailwarden(['bounce', 'parse', '-'], readFileSync(`${root}${fx}postfix-dsn-userunknown.eml`));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${postfixLine.replace(`"file":"${fx}postfix-dsn-userunknown.eml"`, '"file":"-"')}\n`);
  });

  it('gives an error line for input that is not a message, and goes on', async () => {
    const r = await mailwarden(['bounce', 'parse', `${fx}not-a-message.bin`, `${fx}arf-abuse.eml`]);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(r.code).toBe(0);
    expect(lines[0]).toEqual({ file: `${fx}not-a-message.bin`, error: 'not a readable message: no message headers' });
    expect(lines[1]).toMatchObject({ file: `${fx}arf-abuse.eml`, isBounce: true, recipients: [{ reason: 'feedback' }] });
    expect(Object.keys(lines[1])).toEqual(['file', 'isBounce', 'originalMessageId', 'recipients']);
  });

  it('answers --help on stdout and exits 0', async () => {
    const r = await mailwarden(['bounce', 'parse', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('mailwarden bounce parse [--json] FILE...');
  });

  it('answers --help in Japanese when the reader reads Japanese', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, 'bounce', '--help'], {
      cwd: root,
      env: { ...process.env, MAILWARDEN_LANG: 'ja' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((res) => child.on('close', res));
    expect(out).toContain('サブコマンド');
  });

  it('rejects an unknown subcommand on stderr with exit 2', async () => {
    const r = await mailwarden(['bounce', 'frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Unknown subcommand "bounce frobnicate"');
  });

  it('asks for files when none are given, on stderr with exit 2', async () => {
    const r = await mailwarden(['bounce', 'parse']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No input files');
  });
});
