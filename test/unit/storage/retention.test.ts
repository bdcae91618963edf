import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/observability/logger.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';
import { freeBytes, RetentionJob, retentionConfigSchema } from '../../../src/storage/retention.js';
import { simpleParser } from 'mailparser';
import { notificationsConfigSchema } from '../../../src/incidents/notify/config.js';
import { Notifier } from '../../../src/incidents/notify/notifier.js';
import { heldExpiredBody, heldExpiredSubject, type HeldExpiredFacts } from '../../../src/incidents/notify/texts.js';
import { tmpdir } from 'node:os';

const DAY = 86_400_000;
const silent = createLogger('silent');

async function storeWithHistory() {
  const store = openSqliteStore(':memory:');
  const now = Date.now();
  const ids: Record<string, string> = {};
  for (const [name, daysAgo, state] of [['oldDone', 20, 'done'], ['youngDone', 3, 'done'], ['oldQueued', 20, 'queued'], ['oldHeld', 40, 'held']] as const) {
    const id = `m-${name}`;
    ids[name] = id;
    await store.queue.enqueue({ id, account: 'a@example.co.jp', mailFrom: 'a@example.co.jp', messageId: `<${id}@x>`, rcpts: ['b@example.net'], raw: Buffer.from('Subject: x\r\n\r\nx\r\n'), state: state === 'held' ? 'held' : 'queued', createdAt: new Date(now - daysAgo * DAY).toISOString(), expiresAt: new Date(now + DAY).toISOString() });
    if (state === 'done') {
      await store.queue.claimDue('node', new Date(), 10, 60_000);
      await store.queue.recordAttempt(id, 'node', [{ index: 0, status: 'delivered', reply: '250 ok' }], { nextAttemptAt: null, finished: true });
    }
  }
  // 2,500 events a year old (more than two batches), three from today.
  for (let i = 0; i < 2500; i++) await store.events.append({ ts: new Date(now - 365 * DAY + i * 1000).toISOString(), code: 'queue:accepted', account: 'a@example.co.jp', data: { i } });
  for (let i = 0; i < 3; i++) await store.events.append({ ts: new Date(now - i * 1000).toISOString(), code: 'smtp:auth-ok', account: 'a@example.co.jp', data: { i } });
  return { store, ids };
}

describe('retention of finished messages and old events', () => {
  it('deletes finished messages past their days and events past theirs, in batches, and nothing else', async () => {
    const { store, ids } = await storeWithHistory();
    const told: HeldExpiredFacts[] = [];
    const job = new RetentionJob(store, retentionConfigSchema.parse({ heldDays: 60 }), silent, Date.now, undefined, async (f) => void told.push(f));
    expect(await job.runOnce()).toEqual({ messages: 1, events: 2500, held: 0 });
    expect(await store.queue.get(ids.oldDone)).toBeNull();
    for (const keep of [ids.youngDone, ids.oldQueued, ids.oldHeld]) expect(await store.queue.get(keep)).not.toBeNull();
    expect((await store.events.query({ limit: 10_000 })).map((e) => e.code)).toEqual(['smtp:auth-ok', 'smtp:auth-ok', 'smtp:auth-ok']);
    expect(await job.runOnce()).toEqual({ messages: 0, events: 0, held: 0 });
    expect(told).toEqual([]);
    await store.close();
  });

  it('keeps everything of a kind set to 0 days', async () => {
    const { store, ids } = await storeWithHistory();
    const job = new RetentionJob(store, retentionConfigSchema.parse({ deliveredDays: 0, eventDays: 0, heldDays: 0 }), silent);
    expect(await job.runOnce()).toEqual({ messages: 0, events: 0, held: 0 });
    expect(await store.queue.get(ids.oldDone)).not.toBeNull();
    expect(await store.queue.get(ids.oldHeld)).not.toBeNull();
    expect(await store.events.query({ limit: 10_000 })).toHaveLength(2503);
    await store.close();
  });

  it('runs on its own after start, and stop waits for a run under way', async () => {
    const { store, ids } = await storeWithHistory();
    const job = new RetentionJob(store, retentionConfigSchema.parse({}), silent);
    job.start(60_000, 10);
    for (const end = Date.now() + 5000; Date.now() < end && (await store.queue.get(ids.oldDone)) !== null; ) await new Promise((r) => setTimeout(r, 20));
    await job.stop();
    expect(await store.queue.get(ids.oldDone)).toBeNull();
    await store.close();
  });

  it('refuses to forget events the detection engine learns from', () => {
    expect(() => parseConfig({ retention: { eventDays: 7 } })).toThrow(/retention\.eventDays.*at least detection\.profile\.windowDays \(28\)/s);
    expect(parseConfig({ retention: { eventDays: 0 } }).retention.eventDays).toBe(0);
    expect(parseConfig({}).retention).toEqual({ deliveredDays: 14, eventDays: 180, heldDays: 30, warnFreeMb: 1024 });
  });

  it('warns once an hour while the store\'s disk is nearly full, and not when there is room', async () => {
    const store = openSqliteStore(':memory:');
    let free = 300 * 1024 * 1024;
    let now = Date.parse('2026-11-30T10:00:00Z');
    const logged: string[] = [];
    const logger = { ...silent, error: (o: { code?: string }) => void logged.push(String(o.code)) } as unknown as typeof silent;
    const job = new RetentionJob(store, retentionConfigSchema.parse({}), logger, () => now, async () => free);
    expect(await job.checkDisk()).toBe(free);
    await job.checkDisk();
    now += 30 * 60_000;
    await job.checkDisk();
    expect(logged).toEqual(['store:low-space']);
    now += 31 * 60_000;
    await job.checkDisk();
    free = 5 * 1024 * 1024 * 1024;
    now += 2 * 3_600_000;
    await job.checkDisk();
    const events = await store.events.query({ codes: ['store:low-space'] });
    expect(events.map((e) => e.data)).toEqual([{ freeMb: 300, warnFreeMb: 1024 }, { freeMb: 300, warnFreeMb: 1024 }]);
    await store.close();
  });

  it('reads the free space of a real file system', async () => {
    expect(await freeBytes(tmpdir())).toBeGreaterThan(0);
    expect(await freeBytes('/no/such/directory/at/all')).toBeNull();
  });

  it('deletes what sat in quarantine past its days unreleased, each recorded, its owner told once however many', async () => {
    const store = openSqliteStore(':memory:');
    const now = Date.now();
    const held = (id: string, account: string, daysAgo: number) =>
      store.queue.enqueue({ id, account, mailFrom: account, messageId: `<${id}@x>`, rcpts: ['b@example.net', 'c@example.net'], raw: Buffer.from('Subject: x\r\n\r\nx\r\n'), state: 'held', reason: 'score 90 reached the hold threshold 70', createdAt: new Date(now - daysAgo * DAY).toISOString(), expiresAt: new Date(now + DAY).toISOString() });
    for (let i = 0; i < 25; i++) await held(`spam${i}`, 'victim@example.co.jp', 31 + i / 100);
    await held('honest', 'sato@example.co.jp', 45);
    await held('recent', 'sato@example.co.jp', 2);
    const told: HeldExpiredFacts[] = [];
    const job = new RetentionJob(store, retentionConfigSchema.parse({}), silent, Date.now, undefined, async (f) => void told.push(f));
    expect((await job.runOnce()).held).toBe(26);
    told.sort((a, b) => b.messages.length - a.messages.length);
    expect(told.map((f) => [f.account, f.messages.length, f.days])).toEqual([['victim@example.co.jp', 25, 30], ['sato@example.co.jp', 1, 30]]);
    expect(await store.queue.get('recent')).not.toBeNull();
    expect(await store.queue.get('honest')).toBeNull();
    const recorded = await store.events.query({ codes: ['queue:held-expired'], limit: 100 });
    expect(recorded).toHaveLength(26);
    expect(recorded.find((e) => e.data.queueId === 'honest')).toMatchObject({ account: 'sato@example.co.jp', data: { messageId: '<honest@x>', reason: 'score 90 reached the hold threshold 70', days: 30 } });
    // And in the administrators' audit log, one entry per account.
    const audited = await store.audit.query({ action: 'quarantine.expire' });
    expect(audited.map((a) => [a.actor, a.target, (a.data as { count: number }).count]).sort()).toEqual([['system:retention', 'sato@example.co.jp', 1], ['system:retention', 'victim@example.co.jp', 25]]);
    // One notice, in both languages, listing twenty and counting the rest.
    const en = heldExpiredBody(told[0], 'en');
    expect(en).toContain('were held for review and not released within 30 days');
    expect(en.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(20);
    expect(en).toContain('… and 5 more');
    expect(heldExpiredBody(told[0], 'ja')).toContain('ほか 5 通');
    expect(heldExpiredSubject(told[0], 'en')).toBe('[Mailwarden] 25 message(s) held for review were not sent');
    await store.close();
  });

  it('keeps the held mail of an account still restricted, and gives a released account\'s its days again from the release', async () => {
    const store = openSqliteStore(':memory:');
    const now = Date.now();
    const held = (id: string, account: string, daysAgo: number) =>
      store.queue.enqueue({ id, account, mailFrom: account, messageId: `<${id}@x>`, rcpts: ['b@example.net'], raw: Buffer.from('Subject: x\r\n\r\nx\r\n'), state: 'held', createdAt: new Date(now - daysAgo * DAY).toISOString(), expiresAt: new Date(now + DAY).toISOString() });
    for (const address of ['open@example.co.jp', 'fresh@example.co.jp', 'stale@example.co.jp', 'never@example.co.jp']) await store.accounts.create({ address, name: address, passwordHash: 'x' });
    await store.accounts.update('open@example.co.jp', { state: 'restricted' });
    const released = (account: string, daysAgo: number) => store.events.append({ ts: new Date(now - daysAgo * DAY).toISOString(), code: 'account:released', account, data: { reason: 'checked' } });
    await released('fresh@example.co.jp', 2);
    await released('stale@example.co.jp', 35);
    await held('open', 'open@example.co.jp', 90);
    await held('fresh', 'fresh@example.co.jp', 90);
    await held('stale', 'stale@example.co.jp', 90);
    await held('never', 'never@example.co.jp', 90);
    const told: HeldExpiredFacts[] = [];
    const job = new RetentionJob(store, retentionConfigSchema.parse({ deliveredDays: 0, eventDays: 0 }), silent, Date.now, undefined, async (f) => void told.push(f));
    expect((await job.runOnce()).held).toBe(2);
    expect(await store.queue.get('open')).not.toBeNull();
    expect(await store.queue.get('fresh')).not.toBeNull();
    expect(await store.queue.get('stale')).toBeNull();
    expect(await store.queue.get('never')).toBeNull();
    expect(told.map((f) => f.account).sort()).toEqual(['never@example.co.jp', 'stale@example.co.jp']);
    // Released at last: its days count from now.
    await store.accounts.update('open@example.co.jp', { state: 'active' });
    await released('open@example.co.jp', 0);
    expect((await job.runOnce()).held).toBe(0);
    expect(await store.queue.get('open')).not.toBeNull();
    const later = new RetentionJob(store, retentionConfigSchema.parse({ deliveredDays: 0, eventDays: 0 }), silent, () => now + 31 * DAY);
    expect((await later.runOnce()).held).toBe(2);
    expect(await store.queue.get('open')).toBeNull();
    await store.close();
  });

  it('mails the owner the notice through the gateway\'s own queue', async () => {
    const store = openSqliteStore(':memory:');
    const notifier = new Notifier({ config: notificationsConfigSchema.parse({}), store, logger: silent, hostname: 'mw.example.co.jp', lang: 'ja', lifetimeHours: 24 });
    await notifier.heldExpired({ account: 'sato@example.co.jp', days: 30, messages: [{ messageId: '<a@x>', createdAt: '2026-10-01T00:00:00.000Z', recipients: 2 }] });
    const [mail] = await store.queue.list({ state: 'queued', limit: 10 });
    expect(mail.recipients.map((r) => r.address)).toEqual(['sato@example.co.jp']);
    const text = (await simpleParser((await store.queue.getRaw(mail.id))!)).text ?? '';
    expect(text).toContain('日以内に解放されませんでした');
    expect(text).toContain('were held for review and not released within 30 days');
    await store.close();
  });

  it('leaves a message an administrator released while the run was under way', async () => {
    const inner = openSqliteStore(':memory:');
    const now = Date.now();
    for (const id of ['released', 'expired'])
      await inner.queue.enqueue({ id, account: 'sato@example.co.jp', mailFrom: 'sato@example.co.jp', messageId: `<${id}@x>`, rcpts: ['b@example.net'], raw: Buffer.from('Subject: x\r\n\r\nx\r\n'), state: 'held', createdAt: new Date(now - 40 * DAY).toISOString(), expiresAt: new Date(now + DAY).toISOString() });
    // The release lands between the run's reading of the quarantine and its deletions.
    const queue = Object.create(inner.queue) as typeof inner.queue;
    queue.list = async (f) => {
      const listed = await inner.queue.list(f);
      await inner.queue.release('released');
      return listed;
    };
    const told: HeldExpiredFacts[] = [];
    const job = new RetentionJob({ ...inner, queue }, retentionConfigSchema.parse({ deliveredDays: 0, eventDays: 0 }), silent, Date.now, undefined, async (f) => void told.push(f));
    expect((await job.runOnce()).held).toBe(1);
    expect((await inner.queue.get('released'))?.state).toBe('queued');
    expect(await inner.queue.get('expired')).toBeNull();
    expect(told.map((f) => f.messages.map((m) => m.messageId))).toEqual([['<expired@x>']]);
    await inner.close();
  });
});
