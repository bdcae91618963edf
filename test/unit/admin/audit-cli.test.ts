import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialise } from '../../../src/app/init.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PASSWORD = 'violet kettle 山道 quietly 42';

function mailwarden(dir: string, args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/unit/admin/cli-entry.ts', ...args, '--config', join(dir, 'mailwarden.yaml')], {
      cwd: root,
      env: { ...process.env, MAILWARDEN_LANG: 'en' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('mailwarden admin and audit', () => {
  let dir: string;
  const db = () => new Database(join(dir, 'data', 'mailwarden.db'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mw-audit-cli-'));
    await initialise(dir, 'gw.test');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('admin add prints the otpauth URI and ten recovery codes once, and records an audit entry', async () => {
    const r = await mailwarden(dir, ['admin', 'add', 'sato', '--role', 'admin', '--password-stdin'], `${PASSWORD}\n`);
    expect(r.stderr).not.toContain(PASSWORD);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^otpauth:\/\/totp\/Mailwarden:sato\?/);
    expect(lines.slice(1)).toHaveLength(10);
    for (const code of lines.slice(1)) expect(code).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const list = await mailwarden(dir, ['admin', 'list', '--json']);
    expect(JSON.parse(list.stdout.trim())).toMatchObject({ username: 'sato', role: 'admin', mfaEnrolled: true, recoveryCodesLeft: 10 });
    expect(list.stdout).not.toContain('argon2');
  });

  it('admin add refuses a weak password with the policy\'s reasons, and an unknown role', async () => {
    const weak = await mailwarden(dir, ['admin', 'add', 'abe', '--role', 'operator', '--password-stdin'], 'password123\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('Password refused');
    expect((await mailwarden(dir, ['admin', 'add', 'abe', '--role', 'root'])).code).toBe(2);
  });

  it('reset-mfa issues a new secret and records it', async () => {
    const r = await mailwarden(dir, ['admin', 'reset-mfa', 'sato']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^otpauth:\/\//);
    expect((await mailwarden(dir, ['admin', 'reset-mfa', 'nobody'])).code).toBe(1);
  });

  it('audit list and verify pass on an untouched log', async () => {
    const list = await mailwarden(dir, ['audit', 'list', '--json']);
    const entries = list.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(entries.map((e) => e.action)).toEqual(['admin.add', 'admin.reset-mfa']);
    expect(entries[0].actor).toMatch(/^cli:/);
    const verify = await mailwarden(dir, ['audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('intact: 2 entries');
  });

  it('audit verify exits 1 and names the entry when one was changed in the database', async () => {
    const conn = db();
    conn.prepare(`UPDATE audit SET reason = 'nothing to see' WHERE seq = 1`).run();
    conn.close();
    const verify = await mailwarden(dir, ['audit', 'verify', '--json']);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: false, problem: { kind: 'changed', seq: 1 } });
    expect(verify.stderr).toContain('TAMPERED: entry 1 was changed');
  });
});
