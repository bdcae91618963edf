import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialise } from '../../src/app/init.js';
import { startTestGateway, writeTestConfig, type TestGateway } from '../helpers/gateway.js';
import { startNextHop, type NextHop } from '../helpers/next-hop.js';

const dir = mkdtempSync(join(tmpdir(), 'mw-cli-'));
const config = join(dir, 'mailwarden.yaml');

function cli(args: string[], input = '') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--config', config], { input, encoding: 'utf8', env: { ...process.env, MAILWARDEN_LANG: 'en' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function send(port: number, user: string, pass: string) {
  return nodemailer
    .createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user, pass } })
    .sendMail({ from: user, to: 'someone@example.net', subject: 'hello', text: 'hi' });
}

describe('accounts from the command line', () => {
  let gw: TestGateway;
  let hop: NextHop;
  beforeAll(async () => {
    hop = await startNextHop();
    await initialise(dir, 'gw.test');
    writeTestConfig(dir, { nextHopPort: hop.port, config: { detection: { shadow: true } } });
  });
  afterAll(async () => {
    await gw?.stop();
    await hop?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds a user with a password from stdin, refuses a weak one, and never takes one as an argument', () => {
    const weak = cli(['user', 'add', 'sato@example.co.jp', '--password-stdin'], 'password123\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/Password refused/);
    const ok = cli(['user', 'add', 'sato@example.co.jp', '--name', '佐藤 花子', '--alias', 'info@example.co.jp', '--password-stdin'], 'ginkgo leaves fall on quiet streets\n');
    expect(ok.code).toBe(0);
    const noTty = cli(['user', 'add', 'kato@example.co.jp']);
    expect(noTty.code).toBe(2);
    expect(noTty.err).toMatch(/--password-stdin/);
    const list = cli(['user', 'list', '--json']);
    const users = list.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(users).toEqual([expect.objectContaining({ address: 'sato@example.co.jp', name: '佐藤 花子', aliases: ['info@example.co.jp'] })]);
    expect(list.out).not.toMatch(/argon2/);
  });

  it('imports a CSV of users all or nothing, generating missing passwords', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'address,name,password,aliases,group\nito@example.co.jp,伊藤,,,\nnot-an-address,x,,,\n');
    const refused = cli(['user', 'import', bad]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/line 3/);
    expect(cli(['user', 'show', 'ito@example.co.jp']).code).toBe(1);
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'address,name,password,aliases,group\nito@example.co.jp,伊藤,,,sales\n"mori@example.co.jp","森, 一郎",,m@example.co.jp;mo@example.co.jp,\n');
    const imported = cli(['user', 'import', good]);
    expect(imported.code).toBe(0);
    expect(imported.out.trim().split('\n').map((l) => l.split(',')[0])).toEqual(['ito@example.co.jp', 'mori@example.co.jp']);
    // Every account's aliases, as the configuration replay reads them from.
    const aliases = cli(['user', 'aliases']);
    expect(aliases.code).toBe(0);
    expect(parseYaml(aliases.out)).toEqual({ accounts: { 'sato@example.co.jp': { aliases: ['info@example.co.jp'] }, 'mori@example.co.jp': { aliases: ['m@example.co.jp', 'mo@example.co.jp'] } } });
  });

  it('creates an app password that works for SMTP once, and stops working when revoked', async () => {
    gw = await startTestGateway({ dir, nextHopPort: hop.port, accounts: [], config: { detection: { shadow: true } } });
    const created = cli(['app-password', 'create', 'sato@example.co.jp', '--label', '複合機 3F']);
    expect(created.code).toBe(0);
    const password = /^\s{4}([a-z]{4}(?:-[a-z]{4}){4})$/m.exec(created.out)![1];
    await expect(send(gw.starttlsPort, 'sato@example.co.jp', password)).resolves.toMatchObject({ response: expect.stringMatching(/^250/) });
    const listed = cli(['app-password', 'list', 'sato@example.co.jp', '--json']);
    expect(JSON.parse(listed.out.trim())).toMatchObject({ label: '複合機 3F', lastUsedIp: '127.0.0.1' });
    expect(cli(['app-password', 'revoke', 'sato@example.co.jp', '--all']).code).toBe(0);
    await expect(send(gw.starttlsPort, 'sato@example.co.jp', password)).rejects.toMatchObject({ responseCode: 535 });
  });

  it('restricts and releases an account for a running gateway; the old password stays burnt until changed', async () => {
    expect(cli(['account', 'restrict', 'sato@example.co.jp', '--reason', 'phished']).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1200));
    // Restriction burns the password too: AUTH is refused before any MAIL FROM.
    const refused = await send(gw.starttlsPort, 'sato@example.co.jp', 'ginkgo leaves fall on quiet streets').catch((e) => e);
    expect([535, 550]).toContain(refused.responseCode);
    expect(cli(['account', 'release', 'sato@example.co.jp', '--reason', 'password reset']).code).toBe(0);
    const audit = cli(['audit', 'list', '--json', '--action', 'account.re']).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((e) => [e.action, e.reason])).toEqual(expect.arrayContaining([['account.restrict', 'phished'], ['account.release', 'password reset']]));
    await new Promise((r) => setTimeout(r, 1200));
    const burnt = await send(gw.starttlsPort, 'sato@example.co.jp', 'ginkgo leaves fall on quiet streets').catch((e) => e);
    // Refused as burnt, or (on a repeat of the same password) as a device using a stale one.
    expect(burnt.response).toMatch(/^535 5\.7\.8 /);
    expect(cli(['user', 'passwd', 'sato@example.co.jp', '--password-stdin'], 'maple syrup drips slowly in winter\n').code).toBe(0);
    await expect(send(gw.starttlsPort, 'sato@example.co.jp', 'maple syrup drips slowly in winter')).resolves.toBeTruthy();
  });

  it('allows a campaign for some hours, shows it in the status, and ends it', () => {
    const missing = cli(['account', 'campaign', 'sato@example.co.jp', '--reason', 'seminar invitations']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--hours N (1 to 72)');
    expect(cli(['account', 'campaign', 'sato@example.co.jp', '--hours', '100', '--reason', 'too long']).code).toBe(2);
    expect(cli(['account', 'campaign', 'sato@example.co.jp', '--hours', '4']).code).toBe(2);
    const allowed = cli(['account', 'campaign', 'sato@example.co.jp', '--hours', '4', '--reason', 'seminar invitations']);
    expect(allowed.code).toBe(0);
    expect(allowed.err).toMatch(/^sato@example\.co\.jp may send its campaign until \d{4}-/);
    const status = JSON.parse(cli(['account', 'status', 'sato@example.co.jp']).out);
    expect(status.campaign).toMatchObject({ reason: 'seminar invitations', by: expect.stringMatching(/^cli:/) });
    expect(Date.parse(status.campaign.until) - Date.now()).toBeGreaterThan(3.9 * 3_600_000);
    expect(cli(['account', 'campaign', 'sato@example.co.jp', '--end', '--reason', 'sent']).code).toBe(0);
    expect(JSON.parse(cli(['account', 'status', 'sato@example.co.jp']).out).campaign).toBeNull();
    // Both decisions are in the audit log, under the name of whoever ran the command.
    const audit = cli(['audit', 'list', '--json', '--action', 'account.campaign']).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((e) => [e.action, e.target, e.reason])).toEqual(
      expect.arrayContaining([
        ['account.campaign', 'sato@example.co.jp', 'seminar invitations'],
        ['account.campaign-end', 'sato@example.co.jp', 'sent'],
      ]),
    );
    expect(audit.every((e) => /^cli:/.test(e.actor))).toBe(true);
  });

  it('restricts at once every account an incident of the organisation names, for a running gateway', async () => {
    const ts = new Date().toISOString();
    const named = ['ito@example.co.jp', 'mori@example.co.jp', 'gone@example.co.jp'];
    await gw.gateway.store.events.append({ ts, code: 'incident:shared-place', account: null, data: { incidentId: 'list-1', ts, where: 'country VN', accounts: named, restricted: [], update: false } });
    expect(cli(['account', 'restrict', '--place-incident', 'list-1']).code).toBe(2);
    const unknown = cli(['account', 'restrict', '--place-incident', 'no-such', '--reason', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No incident of the organisation "no-such"');
    const r = cli(['account', 'restrict', '--place-incident', 'list-1', '--reason', 'passwords leaked in one list']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('Incident list-1: 2 account(s) restricted, 0 already restricted, 1 no longer an account.');
    for (const a of named.slice(0, 2)) expect((await gw.gateway.store.accounts.get(a))?.state).toBe('restricted');
    for (const a of named.slice(0, 2)) {
      const [e] = await gw.gateway.store.events.query({ account: a, codes: ['account:restricted'], newestFirst: true, limit: 1 });
      expect(e.data).toMatchObject({ reason: 'passwords leaked in one list', placeIncident: 'list-1' });
    }
    const again = cli(['account', 'restrict', '--place-incident', 'list-1', '--reason', 'again']);
    expect(again.err).toContain('0 account(s) restricted, 2 already restricted');
    const audit = cli(['audit', 'list', '--json', '--action', 'place-incident.restrict']).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.filter((e) => e.target === 'list-1' && /^cli:/.test(e.actor)).map((e) => e.reason).sort()).toEqual(['again', 'passwords leaked in one list']);
    for (const a of named.slice(0, 2)) expect(cli(['account', 'release', a, '--reason', 'checked with the user']).code).toBe(0);
  });

  it('lists and shows the incidents, and takes a note, from the command line', () => {
    const listed = cli(['incidents', 'list', '--json']).out.trim().split('\n').map((l) => JSON.parse(l));
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ of: 'organisation', incidentId: 'list-1', where: 'country VN', accounts: ['ito@example.co.jp', 'mori@example.co.jp', 'gone@example.co.jp'] })]));
    const human = cli(['incidents', 'list']);
    expect(human.code).toBe(0);
    expect(human.out).toContain('Incidents of the organisation');
    expect(human.out).toMatch(/list-1 {2}country VN {2}3 {2}0/);
    expect(cli(['incidents', 'note', 'list-1']).code).toBe(2);
    const noted = cli(['incidents', 'note', 'list-1', '--text', 'both users reset their passwords']);
    expect(noted.code).toBe(0);
    expect(noted.err).toContain('Note added to incident list-1.');
    const shown = JSON.parse(cli(['incidents', 'show', 'list-1', '--json']).out);
    expect(shown.members.map((m: { address: string; state: string | null }) => [m.address, m.state])).toEqual([['ito@example.co.jp', 'active'], ['mori@example.co.jp', 'active'], ['gone@example.co.jp', null]]);
    expect(shown.notes).toEqual([expect.objectContaining({ text: 'both users reset their passwords', by: expect.stringMatching(/^cli:/) })]);
    const unknown = cli(['incidents', 'show', '999999']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No incident "999999"');
    expect(cli(['incidents', 'show']).code).toBe(2);
    expect(cli(['incidents', '--help']).code).toBe(0);
  });

  it('copies the store while the gateway runs, and never over an earlier copy', async () => {
    const file = join(dir, 'backup', `mailwarden-${Date.now()}.db`);
    mkdirSync(join(dir, 'backup'));
    // The gateway keeps writing during the copy.
    const sending = send(gw.starttlsPort, 'sato@example.co.jp', 'maple syrup drips slowly in winter').catch(() => undefined);
    const r = cli(['backup', file]);
    await sending;
    expect(r.code).toBe(0);
    expect(r.err).toContain(`Store copied to ${file}`);
    const copy = new Database(file, { readonly: true });
    try {
      const addresses = (copy.prepare('SELECT address FROM accounts ORDER BY address').all() as { address: string }[]).map((a) => a.address);
      expect(addresses).toEqual(expect.arrayContaining(['ito@example.co.jp', 'mori@example.co.jp', 'sato@example.co.jp']));
      expect((copy.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBeGreaterThan(10);
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
    const again = cli(['backup', file]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('exists already');
    expect(cli(['backup']).code).toBe(2);
  });

  it('writes every administrative action of these commands to the audit log, under the user who ran it', () => {
    const entries = cli(['audit', 'list', '--json', '--limit', '1000']).out.trim().split('\n').map((l) => JSON.parse(l));
    const actions = new Set(entries.filter((e) => /^cli:/.test(e.actor)).map((e) => e.action));
    for (const action of ['account.add', 'account.import', 'account.passwd', 'app-password.create', 'account.restrict', 'account.release', 'account.campaign', 'store.backup']) expect(actions, action).toContain(action);
    expect([...actions].some((a) => a.startsWith('app-password.revoke'))).toBe(true);
    expect(cli(['audit', 'verify']).code).toBe(0);
  });
});
