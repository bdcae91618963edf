import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { adminConfigSchema } from '../../../src/admin/config.js';
import { notificationsConfigSchema } from '../../../src/incidents/notify/config.js';
import { Notifier } from '../../../src/incidents/notify/notifier.js';
import { payloadFor, placePayloadFor } from '../../../src/incidents/notify/webhook.js';
import { createLogger } from '../../../src/observability/logger.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const evidence = { held: [], sessionsClosed: 1, appPasswordsRevoked: 0 };

async function mails(consoleUrl?: string) {
  const store = openSqliteStore(':memory:');
  const config = notificationsConfigSchema.parse({ adminEmails: ['it@example.co.jp'] });
  const notifier = new Notifier({ config, store, logger: createLogger('silent'), hostname: 'mw.example.co.jp', lang: 'en', lifetimeHours: 24, consoleUrl });
  const facts = await notifier.notify({ ts: '2026-03-02T10:00:00Z', account: 'sato+it@example.co.jp', type: 'state', state: 'restricted', reasons: ['test'] }, evidence);
  await notifier.place({ incidentId: 'b7c1e0d2-0000-4000-8000-000000000001', ts: '2026-03-02T10:05:00Z', where: 'country VN', accounts: ['a@example.co.jp', 'b@example.co.jp', 'c@example.co.jp', 'd@example.co.jp'], restricted: [], update: false });
  const out: { to: string; text: string }[] = [];
  for (const m of await store.queue.list({ state: 'queued', limit: 10 })) {
    const parsed = await simpleParser((await store.queue.getRaw(m.id))!);
    out.push({ to: m.recipients.map((r) => r.address).join(','), text: parsed.text ?? '' });
  }
  await store.close();
  return { out, facts: facts! };
}

describe('links from the administrators\' alerts to the console', () => {
  it('links the account\'s alert to its page and the organisation\'s incident to its own, in both languages, never in the owner\'s mail', async () => {
    const { out, facts } = await mails('https://mw-admin.example.co.jp/console');
    const admin = out.filter((m) => m.to === 'it@example.co.jp');
    expect(admin).toHaveLength(2);
    const [account, place] = admin[0].text.includes('restricted the account') ? admin : [admin[1], admin[0]];
    expect(account.text).toContain('In the console: https://mw-admin.example.co.jp/console/#/accounts/sato%2Bit%40example.co.jp');
    expect(account.text).toContain('管理画面: https://mw-admin.example.co.jp/console/#/accounts/sato%2Bit%40example.co.jp');
    expect(place.text).toContain('In the console: https://mw-admin.example.co.jp/console/#/incidents/place/b7c1e0d2-0000-4000-8000-000000000001');
    const owner = out.find((m) => m.to === 'sato+it@example.co.jp')!;
    expect(owner.text).not.toContain('mw-admin');
    // Webhooks carry it too: as a field of the JSON payload, and in the chat tools' text.
    expect(facts.console).toBe('https://mw-admin.example.co.jp/console/#/accounts/sato%2Bit%40example.co.jp');
    expect(JSON.stringify(payloadFor('json', facts))).toContain('"console":"https://mw-admin.example.co.jp/console/#/accounts/');
    expect(JSON.stringify(payloadFor('slack', facts))).toContain('In the console: https://mw-admin.example.co.jp/console/#/accounts/');
    expect(JSON.stringify(placePayloadFor('teams', { incidentId: 'x', ts: '2026-03-02T10:05:00Z', where: 'country VN', accounts: [], restricted: [], update: false, console: 'https://c.example/#/incidents/place/x' }))).toContain('https://c.example/#/incidents/place/x');
  });

  it('has no link when the console\'s address is not configured', async () => {
    const { out, facts } = await mails();
    for (const m of out) expect(m.text).not.toMatch(/In the console|管理画面:/);
    expect(facts.console).toBeUndefined();
  });

  it('takes only an http(s) address, or none', () => {
    expect(adminConfigSchema.parse({}).publicUrl).toBe('');
    expect(adminConfigSchema.safeParse({ publicUrl: 'https://mw-admin.example.co.jp/' }).success).toBe(true);
    for (const bad of ['javascript:alert(1)', 'mw-admin.example.co.jp', 'ftp://x.example/']) expect(adminConfigSchema.safeParse({ publicUrl: bad }).success, bad).toBe(false);
  });
});
