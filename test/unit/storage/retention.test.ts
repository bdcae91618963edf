import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/observability/logger.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';
import { RetentionJob, retentionConfigSchema } from '../../../src/storage/retention.js';

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
    const job = new RetentionJob(store, retentionConfigSchema.parse({}), silent);
    expect(await job.runOnce()).toEqual({ messages: 1, events: 2500 });
    expect(await store.queue.get(ids.oldDone)).toBeNull();
    for (const keep of [ids.youngDone, ids.oldQueued, ids.oldHeld]) expect(await store.queue.get(keep)).not.toBeNull();
    expect((await store.events.query({ limit: 10_000 })).map((e) => e.code)).toEqual(['smtp:auth-ok', 'smtp:auth-ok', 'smtp:auth-ok']);
    expect(await job.runOnce()).toEqual({ messages: 0, events: 0 });
    await store.close();
  });

  it('keeps everything of a kind set to 0 days', async () => {
    const { store, ids } = await storeWithHistory();
    const job = new RetentionJob(store, retentionConfigSchema.parse({ deliveredDays: 0, eventDays: 0 }), silent);
    expect(await job.runOnce()).toEqual({ messages: 0, events: 0 });
    expect(await store.queue.get(ids.oldDone)).not.toBeNull();
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
    expect(parseConfig({}).retention).toEqual({ deliveredDays: 14, eventDays: 180 });
  });
});
