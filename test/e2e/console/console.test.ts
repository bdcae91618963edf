import { mkdirSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, totpOf } from '../../../src/admin/admins.js';
import { adminSeal } from '../../../src/admin/totp-seal.js';
import { startTestGateway, PASSWORD, type TestGateway } from '../../helpers/gateway.js';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { browserUnavailable, ensureConsoleBuilt, launchChromium } from './browser.js';

const ARTIFACTS = 'test-artifacts/console';
const ADMIN_PASSWORD = 'violet kettle 山道 quietly 42';
const VICTIM = 'tanaka@example.co.jp';
const whyNot = browserUnavailable();

if (whyNot) {
  // Never a silent pass: the run says the browser test did not run and why.
  console.warn(`Console browser test SKIPPED: ${whyNot}.`);
  if (process.env.CI) {
    describe('console in a browser', () => {
      it('has Chromium (required when CI is set)', () => {
        throw new Error(`Console browser test cannot run: ${whyNot}`);
      });
    });
  }
}

/** A leaked password in action: one session, many messages, every recipient new. */
async function blast(gw: TestGateway, count: number): Promise<number> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gw.starttlsPort, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: VICTIM, pass: PASSWORD }, pool: true, maxConnections: 1, maxMessages: Infinity });
  let accepted = 0;
  try {
    for (let i = 0; i < count; i++) {
      const to = [0, 1, 2].map((j) => `buyer${i}-${j}@shop${i % 17}.example`);
      await transport.sendMail({ from: VICTIM, to, subject: `Invoice ${i} <b>overdue</b>`, html: `<p>Pay now <script>alert(${i})</script></p>`, text: `Pay now, invoice ${i}` }).then(
        () => accepted++,
        () => undefined,
      );
    }
  } finally {
    transport.close();
  }
  return accepted;
}

describe.skipIf(whyNot !== null)('console in a browser', () => {
  let hop: NextHop;
  let gw: TestGateway;
  let browser: Browser;
  let page: Page;
  let base: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ensureConsoleBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    // The next hop defers everything, so the attack's mail is still queued when containment holds it.
    hop = await startNextHop({ rcptReply: () => '451 4.7.1 Try again later' });
    // A warning level no disk reaches (100 TB), so that the dashboard shows its low-disk warning.
    gw = await startTestGateway({ nextHopPort: hop.port, accounts: [{ address: VICTIM }], config: { admin: { port: 0, secureCookies: false }, retention: { warnFreeMb: 100_000_000 } } });
    base = `http://127.0.0.1:${gw.gateway.adminPort}`;
    const r = await createAdmin(gw.gateway.store, { username: 'sato', role: 'admin', password: ADMIN_PASSWORD, issuer: 'Mailwarden' }, adminSeal(gw.config));
    if (!r.ok) throw new Error('admin refused');
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && cspViolations.push(m.text())));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await hop?.stop();
  });

  const shot = (name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
  const go = async (hash: string, waitFor: string) => {
    await page.goto(`${base}/#/${hash}`);
    await page.getByText(waitFor, { exact: false }).first().waitFor();
  };

  it('an attack over SMTP is restricted by the detection engine', { timeout: 120_000 }, async () => {
    const accepted = await blast(gw, 70);
    await gw.gateway.policy.settled();
    expect(accepted).toBeGreaterThan(0);
    expect((await gw.gateway.store.accounts.get(VICTIM))!.state).toBe('restricted');
    expect((await gw.gateway.store.queue.list({ state: 'held', account: VICTIM })).length).toBeGreaterThan(0);
    const audit = await gw.gateway.store.audit.query({ actor: 'system:containment' });
    expect(audit.map((e) => e.action)).toContain('account.restrict');
  });

  it('signs in with a TOTP code', { timeout: 60_000 }, async () => {
    await page.goto(base);
    await page.locator('input[name=username]').waitFor();
    await shot('sign-in');
    await page.fill('input[name=username]', 'sato');
    await page.fill('input[name=password]', ADMIN_PASSWORD);
    const admin = (await gw.gateway.store.admins.get('sato'))!;
    await page.fill('input[name=code]', totpOf(admin, 'Mailwarden', adminSeal(gw.config))!.generate());
    await page.click('button[type=submit]');
    await page.getByText('Messages per hour').waitFor();
    await shot('dashboard');
  });

  it('finds the incident the attack created', { timeout: 60_000 }, async () => {
    await go('incidents', VICTIM);
    await shot('incidents');
    await page.getByRole('link', { name: /^#\d+$/ }).first().click();
    await page.getByText('Response checklist').waitFor();
    await expect(page.getByText(VICTIM).first().isVisible()).resolves.toBe(true);
    await page.getByText('Timeline').waitFor();
    await shot('incident');
  });

  it('releases one held message from quarantine, reading it as plain text first', { timeout: 60_000 }, async () => {
    const before = (await gw.gateway.store.queue.list({ state: 'held' })).length;
    await go('quarantine', 'Quarantine');
    // How long unreleased mail stays, from the configuration (retention.heldDays).
    expect(await page.locator('.held-kept').innerText()).toBe('What nobody releases is deleted 30 days after it was held, its owner told in one notice; never while its account is restricted, and not within 30 days of the account\'s release.');
    await page.getByRole('button', { name: 'View' }).first().click();
    await page.getByText('Plain-text view').waitFor();
    expect(await page.locator('pre.body').innerText()).toContain('Pay now');
    await shot('quarantine');
    await page.locator('tbody input[type=checkbox]').first().check();
    await page.fill('input.reason', 'confirmed legitimate with the sender');
    await page.getByRole('button', { name: 'Release selected' }).click();
    await expect.poll(async () => (await gw.gateway.store.queue.list({ state: 'held' })).length).toBe(before - 1);
    await expect.poll(async () => (await gw.gateway.store.audit.query({ action: 'quarantine.release' }))[0]).toMatchObject({ actor: 'admin:sato', reason: 'confirmed legitimate with the sender' });
  });

  it('allows a campaign for some hours from the account page, and ends it', { timeout: 60_000 }, async () => {
    const colleague = 'suzuki@example.co.jp';
    await gw.gateway.store.accounts.create({ address: colleague, name: 'Suzuki', passwordHash: 'x' });
    await go(`accounts/${encodeURIComponent(colleague)}`, 'Allow a campaign');
    await page.fill('input.campaign-reason', 'seminar invitations to 300 customers');
    await page.fill('input.campaign-hours', '6');
    await page.getByRole('button', { name: 'Allow a campaign' }).click();
    await page.getByText('Campaign allowed until').waitFor();
    await shot('account-campaign');
    const [event] = await gw.gateway.store.events.query({ account: colleague, codes: ['account:campaign'], newestFirst: true, limit: 1 });
    expect(event.data).toMatchObject({ hours: 6, reason: 'seminar invitations to 300 customers', by: 'admin:sato' });
    expect(Date.parse(String(event.data.until)) - Date.now()).toBeGreaterThan(5.9 * 3_600_000);
    await expect.poll(async () => (await gw.gateway.store.audit.query({ action: 'account.campaign' }))[0]).toMatchObject({ actor: 'admin:sato', target: colleague });
    // The dashboard shows every allowance running.
    await go('dashboard', 'Campaign allowances');
    await page.getByRole('link', { name: colleague }).first().waitFor();
    await go(`accounts/${encodeURIComponent(colleague)}`, 'End the campaign');
    await page.fill('input.campaign-reason', 'invitations sent');
    await page.getByRole('button', { name: 'End the campaign' }).click();
    await expect.poll(() => page.getByText('Campaign allowed until').count()).toBe(0);
    await expect.poll(async () => (await gw.gateway.store.audit.query({ action: 'account.campaign-end' }))[0]).toMatchObject({ actor: 'admin:sato', reason: 'invitations sent' });
  });

  it('shows on the dashboard the accounts mailing strangers from one new place, each a link', { timeout: 60_000 }, async () => {
    const accounts = ['ito@example.co.jp', 'kato@example.co.jp', 'mori@example.co.jp', 'ueda@example.co.jp'];
    const ts = new Date().toISOString();
    await gw.gateway.store.events.append({ ts, code: 'incident:shared-place', account: null, data: { incidentId: 'place-1', ts, where: 'country VN', accounts, restricted: [accounts[1]], update: true } });
    await go('dashboard', 'Many accounts from one new place');
    await page.getByText('4 accounts mailing only people they never mailed, from country VN').waitFor();
    for (const a of accounts) await page.getByRole('link', { name: a }).first().waitFor();
    expect(await page.locator('li.place-incident').innerText()).toContain(`${accounts[1]} (restricted)`);
    await page.locator('li.place-incident').screenshot({ path: `${ARTIFACTS}/dashboard-place.png` });
    // The Incidents page keeps them beyond the dashboard's 24 hours.
    await go('incidents', 'Incidents of the organisation');
    expect(await page.locator('li.place-incident').innerText()).toContain('4 accounts mailing only people they never mailed, from country VN');
    await shot('incidents-place');
    // Its page lists each account's state now and restricts, with one reason, those not yet restricted.
    for (const a of accounts.slice(0, 3)) if (!(await gw.gateway.store.accounts.get(a))) await gw.gateway.store.accounts.create({ address: a, name: a, passwordHash: 'x' });
    await gw.gateway.store.accounts.update(accounts[1], { state: 'restricted' });
    await page.getByRole('link', { name: 'Details and actions' }).click();
    await page.getByText('no longer an account').waitFor();
    expect(await page.locator('table.place-members tbody tr').count()).toBe(4);
    await page.fill('input.reason', 'passwords leaked in one list');
    await page.getByRole('button', { name: 'Restrict the 2 account(s) not yet restricted' }).click();
    await page.getByText('2 account(s) restricted; 0 message(s) moved to quarantine. Every account named is restricted.').waitFor();
    for (const a of [accounts[0], accounts[2]]) expect((await gw.gateway.store.accounts.get(a))?.state).toBe('restricted');
    expect((await gw.gateway.store.audit.query({ action: 'place-incident.restrict' }))[0]).toMatchObject({ actor: 'admin:sato', target: 'place-1', reason: 'passwords leaked in one list' });
    await page.fill('textarea', 'all four users asked; none was in Vietnam');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('all four users asked; none was in Vietnam').waitFor();
    await shot('place-incident');
    // In Japanese too.
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByText('2 アカウントを停止し、0 通を隔離しました。 名前の挙がったアカウントはすべて停止済みです。').waitFor();
    expect(await page.locator('table.place-members').innerText()).toContain('送信停止中');
    await shot('place-incident-ja');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('says of an incident of one text from many places what it is, in both languages', { timeout: 60_000 }, async () => {
    const accounts = ['abe@example.co.jp', 'endo@example.co.jp', 'fujii@example.co.jp'];
    const ts = new Date().toISOString();
    await gw.gateway.store.events.append({ ts, code: 'incident:shared-place', account: null, data: { incidentId: 'text-1', ts, where: 'body 9f2c1ab37d40', accounts, restricted: [], update: false } });
    await go('incidents', 'Incidents of the organisation');
    const row = page.locator('li.place-incident', { hasText: 'abe@example.co.jp' });
    await row.waitFor();
    expect(await row.innerText()).toContain('3 accounts sending one text (body 9f2c1ab37d40) to people they never mailed, each from a place or IP not its own');
    await page.getByRole('button', { name: '日本語' }).click();
    await expect.poll(() => row.innerText()).toContain('3 アカウントが、それぞれ普段と異なる送信元・IP から、同一本文 (本文 9f2c1ab37d40) を初めての相手へ送信');
    await row.screenshot({ path: `${ARTIFACTS}/incidents-text-ja.png` });
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('warns on the dashboard when the store\'s disk runs low, in both languages', { timeout: 60_000 }, async () => {
    await go('dashboard', 'Messages per hour');
    const warning = page.locator('.disk-low');
    await warning.waitFor();
    expect(await warning.innerText()).toMatch(/^The store's disk has \d+ MB free \(warning below 100000000 MB\)\. When it is full the gateway refuses all mail \(452 4\.3\.1\)/);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-disk-low.png`, clip: { x: 0, y: 0, width: 1280, height: 260 } });
    await page.getByRole('button', { name: '日本語' }).click();
    expect(await page.locator('.disk-low').innerText()).toContain('満杯になるとゲートウェイはすべてのメールを拒否します');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('shows every other page', { timeout: 60_000 }, async () => {
    await go('accounts', VICTIM);
    await shot('accounts');
    await go(`accounts/${encodeURIComponent(VICTIM)}`, 'Login history');
    await shot('account');
    await go('queue', 'Queue');
    await shot('queue');
    await go('bounces', 'Bounces');
    await shot('bounces');
    await go('audit', 'account.restrict');
    await shot('audit');
    await go('settings', 'Shadow mode');
    await shot('settings');
  });

  it('switches to Japanese and stays there', { timeout: 60_000 }, async () => {
    await go('dashboard', 'Messages per hour');
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByText('ダッシュボード').first().waitFor();
    await page.getByText('4 アカウントが 国 VN (それぞれにとって初めての送信元) から').waitFor();
    await shot('dashboard-ja');
    await go('incidents', 'インシデント');
    await shot('incidents-ja');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
  });

  it('ran without a single Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
  });
});
