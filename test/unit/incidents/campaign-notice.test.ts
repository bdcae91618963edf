import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { recordCampaign } from '../../../src/incidents/campaign.js';
import { notificationsConfigSchema } from '../../../src/incidents/notify/config.js';
import { Notifier } from '../../../src/incidents/notify/notifier.js';
import { sign } from '../../../src/incidents/notify/webhook.js';
import { createLogger } from '../../../src/observability/logger.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const calls: { headers: Record<string, unknown>; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    calls.push({ headers: req.headers, body });
    res.end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => server.close());

describe('campaign allowances are told to every administrator', () => {
  it('queues a mail in both languages and calls each webhook, signed, when an allowance is given and when it ends', async () => {
    const store = openSqliteStore(':memory:');
    const config = notificationsConfigSchema.parse({
      adminEmails: ['it@example.co.jp'],
      webhooks: [{ url: `${hook}/json`, secret: 'k' }, { url: `${hook}/slack`, format: 'slack' }, { url: `${hook}/teams`, format: 'teams' }],
      webhookSecret: 'default-key',
    });
    const notifier = new Notifier({ config, store, logger: createLogger('silent'), hostname: 'mw.example.co.jp', lang: 'ja', lifetimeHours: 24 });
    const given = await recordCampaign(store, 'sato@example.co.jp', 4, 'seminar invitations', 'admin:operator', notifier);
    await given.webhooks;
    const [mail] = await store.queue.list({ state: 'queued', limit: 10 });
    expect(mail.recipients.map((r) => r.address)).toEqual(['it@example.co.jp']);
    const raw = (await store.queue.getRaw(mail.id))!.toString();
    expect(raw).toContain('X-Mailwarden-Notice: campaign');
    const text = Buffer.from(raw.split('\r\n\r\n')[1].replace(/\r\n/g, ''), 'base64').toString();
    expect(text).toContain('admin:operator が sato@example.co.jp のキャンペーン送信を 4 時間');
    expect(text).toContain('allowed a campaign for sato@example.co.jp for 4 hour(s)');
    expect(text).toContain('seminar invitations');
    expect(calls.map((c) => c.headers['user-agent'])).toEqual(['Mailwarden', 'Mailwarden', 'Mailwarden']);
    const json = calls.find((c) => JSON.parse(c.body).type)!;
    expect(JSON.parse(json.body)).toMatchObject({ type: 'campaign.allowed', campaign: { account: 'sato@example.co.jp', hours: 4, until: given.until, by: 'admin:operator' } });
    expect(json.headers['x-mailwarden-signature']).toBe(sign('k', String(json.headers['x-mailwarden-timestamp']), json.body));
    expect(calls.some((c) => JSON.parse(c.body).blocks)).toBe(true);
    expect(calls.some((c) => JSON.parse(c.body)['@type'] === 'MessageCard')).toBe(true);
    expect((await store.events.query({ codes: ['notify:webhook-sent'] })).length).toBe(3);

    calls.length = 0;
    const ended = await recordCampaign(store, 'sato@example.co.jp', 0, 'sent', 'cli:suzuki', notifier);
    await ended.webhooks;
    expect(calls.map((c) => JSON.parse(c.body)).find((b) => b.type)).toMatchObject({ type: 'campaign.ended', campaign: { hours: 0, reason: 'sent', by: 'cli:suzuki' } });
    expect((await store.queue.list({ state: 'queued', limit: 10 })).length).toBe(2);
    await store.close();
  });

  it('records the allowance even when its mail cannot be queued (a full disk), and logs why', async () => {
    const store = openSqliteStore(':memory:');
    const failing = { ...store, queue: { ...store.queue, enqueue: async () => Promise.reject(new Error('SQLITE_FULL: database or disk is full')) } } as typeof store;
    const errors: string[] = [];
    const logger = { ...createLogger('silent'), error: (_o: unknown, msg: string) => void errors.push(msg) } as ReturnType<typeof createLogger>;
    const notifier = new Notifier({ config: notificationsConfigSchema.parse({ adminEmails: ['it@example.co.jp'] }), store: failing, logger, hostname: 'mw.example.co.jp', lang: 'en', lifetimeHours: 24 });
    const given = await recordCampaign(failing, 'sato@example.co.jp', 2, 'seminar', 'cli:suzuki', notifier);
    await given.webhooks;
    expect((await store.events.query({ codes: ['account:campaign'] }))[0].data).toMatchObject({ until: given.until, hours: 2, by: 'cli:suzuki' });
    expect(errors).toEqual(['campaign notice mail could not be queued']);
    await store.close();
  });
});
