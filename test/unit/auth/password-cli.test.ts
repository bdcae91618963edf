import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `mailwarden password check ARGS` from the sources, with `input` on stdin. */
function cli(args: string[], input: string, lang = 'en') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'password', ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, MAILWARDEN_LANG: lang },
    timeout: 55_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('mailwarden password check', () => {
  it('exits 0 and says so for an acceptable password', () => {
    const r = cli(['check'], 'violet anchor drizzle compass\n');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Acceptable password/);
  });

  it('exits 1 and explains why for a common password', () => {
    const r = cli(['check'], 'P@ssw0rd2024\n');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/common or leaked/);
    expect(r.out).toMatch(/How to fix/);
  });

  it('answers in Japanese when the reader is Japanese', () => {
    const r = cli(['check'], 'short\n', 'ja');
    expect(r.code).toBe(1);
    expect(r.out).toContain('パスワードが短すぎます');
    expect(r.out).toContain('対処');
  });

  it('strips exactly one trailing newline', () => {
    // with both newlines stripped this would be an acceptable passphrase; one remains and is refused
    const r = cli(['check', '--json'], 'violet anchor drizzle compass\n\n');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).problems[0].code).toBe('password:control-characters');
  });

  it('uses --user, --name and the organisation as context words', () => {
    const r = cli(['check', '--user', 'tanaka@example.co.jp', '--org-name', 'Example Bus', '--json'], 'Tanaka-2024-example');
    expect(r.code).toBe(1);
    const verdict = JSON.parse(r.out);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems.map((p: { code: string }) => p.code)).toContain('password:context');
    expect(verdict.problems[0].message.ja).toBeTruthy();
  });

  it('prints one JSON line with --json', () => {
    const r = cli(['check', '--json'], 'きょうはとてもいいてんきですね\n');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, problems: [] });
  });

  it('applies --min-length', () => {
    expect(cli(['check', '--min-length', '30'], 'violet anchor drizzle compass').code).toBe(1);
  });

  it('exits 2 on bad usage', () => {
    expect(cli(['check', '--min-length', 'many'], 'x').code).toBe(2);
    expect(cli(['frobnicate'], 'x').code).toBe(2);
    expect(cli(['check', '--bogus'], 'x').code).toBe(2);
  });

  it('prints help and exits 0', () => {
    const r = cli(['--help'], '');
    expect(r.code).toBe(0);
    expect(r.out).toContain('mailwarden password check');
  });
});
