import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bouncesConfigSchema } from '../../../src/bounces/config.js';
import { handleInbound } from '../../../src/bounces/handle.js';
import { BounceIntake } from '../../../src/bounces/intake.js';
import { MailboxPoller, type MailboxClient } from '../../../src/bounces/mailbox.js';
import { BounceRates } from '../../../src/bounces/rates.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { Store } from '../../../src/storage/ports/index.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

const logger = createLogger('silent');
const dsn = (messageId: string): Buffer =>
  Buffer.from(readFileSync(new URL('../../fixtures/bounces/postfix-dsn-userunknown.eml', import.meta.url), 'utf8').replace('<01JGX4K7Q2W3E5R6T7Y8U9I0PA@gw.example.co.jp>', messageId));

/** A mailbox held in memory: what the poller fetched and what it marked handled. */
function fakeMailbox(messages: { uid: number; raw: Buffer }[]) {
  const done: number[] = [];
  const client: MailboxClient = {
    open: vi.fn(async () => undefined),
    unseen: async () => messages.filter((m) => !done.includes(m.uid)).map((m) => ({ uid: m.uid, size: m.raw.length })),
    fetch: async (uid) => messages.find((m) => m.uid === uid)!.raw,
    done: async (uid) => void done.push(uid),
    close: vi.fn(async () => undefined),
  };
  return { client, done };
}

const imap = { enabled: true, host: 'imap.example.co.jp', port: 993, secure: true, user: 'bounces', password: '', mailbox: 'INBOX', moveTo: null, intervalSeconds: 60 };

describe('the bounce mailbox route (IMAP client replaced by an in-memory mailbox)', () => {
  let store: Store;
  let intake: BounceIntake;
  const observe = vi.fn();

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    const config = bouncesConfigSchema.parse({ secret: 'x' });
    const rates = new BounceRates(config.rates, { events: store.events, restrict: vi.fn(), logger });
    const deps = { store, policy: { observe }, rates, logger, config };
    intake = new BounceIntake(store, (m, raw) => handleInbound(m, raw, deps), logger);
  });
  afterEach(async () => {
    await store.close();
  });

  it('takes in every unseen message, stores it before marking it handled, and ties a DSN to its message by Message-ID', async () => {
    await store.queue.enqueue({ id: 'Q1', account: 'tanaka@example.co.jp', mailFrom: 'tanaka@example.co.jp', messageId: '<m1@example.co.jp>', rcpts: ['kijitora@example.net'], raw: Buffer.from('x'), state: 'queued', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const box = fakeMailbox([{ uid: 7, raw: dsn('<m1@example.co.jp>') }, { uid: 9, raw: Buffer.from('Subject: hello\r\n\r\nnot a bounce\r\n') }]);
    const poller = new MailboxPoller(imap, intake, logger, () => box.client);
    expect(await poller.pollOnce()).toBe(2);
    expect(box.done).toEqual([7, 9]);
    expect(box.client.close).toHaveBeenCalled();
    await intake.settled();
    expect((await store.queue.get('Q1'))?.recipients[0].status).toBe('bounced');
    expect(observe).toHaveBeenCalledWith(expect.objectContaining({ type: 'bounce', messageId: '<m1@example.co.jp>', rcpt: 'kijitora@example.net', status: '5.1.1' }));
    // Listed by the time stored; two stored within one millisecond come in the order of their ids.
    const stored = (await store.bounces.list({})).sort((a, b) => String(a.remote).localeCompare(String(b.remote)));
    expect(stored.map((m) => [m.source, m.remote, m.kind])).toEqual([
      ['imap', 'INBOX:7', 'bounce'],
      ['imap', 'INBOX:9', 'none'],
    ]);
    expect(await poller.pollOnce()).toBe(0);
  });

  it('leaves a message unmarked on the server when it could not be stored, so the next poll takes it again', async () => {
    const box = fakeMailbox([{ uid: 3, raw: dsn('<m2@example.co.jp>') }]);
    const failing = { receive: vi.fn().mockRejectedValueOnce(new Error('disk full')).mockResolvedValue('id') };
    const poller = new MailboxPoller(imap, failing, logger, () => box.client);
    await expect(poller.pollOnce()).rejects.toThrow('disk full');
    expect(box.done).toEqual([]);
    expect(box.client.close).toHaveBeenCalled();
    expect(await poller.pollOnce()).toBe(1);
    expect(box.done).toEqual([3]);
  });

  it('skips a message over the size limit without fetching it', async () => {
    const box = fakeMailbox([{ uid: 4, raw: Buffer.alloc(2000, 'a') }]);
    const fetch = vi.spyOn(box.client, 'fetch');
    const poller = new MailboxPoller(imap, intake, logger, () => box.client, 1000);
    expect(await poller.pollOnce()).toBe(0);
    expect(fetch).not.toHaveBeenCalled();
    expect(box.done).toEqual([4]);
  });

  it('records a bounce for a Message-ID the gateway never sent as spoofing evidence', async () => {
    const box = fakeMailbox([{ uid: 5, raw: dsn('<unknown@example.co.jp>') }]);
    await new MailboxPoller(imap, intake, logger, () => box.client).pollOnce();
    await intake.settled();
    const [e] = await store.events.query({ codes: ['bounce:spoofing-evidence'] });
    expect(e.data).toMatchObject({ headerFrom: 'tanaka@example.co.jp', messageId: '<unknown@example.co.jp>', domain: 'example.co.jp' });
  });
});

describe('DMARC reports in the bounce mailbox', () => {
  it('stores a report addressed to a report address, or with the RFC 7489 subject, as a report; a DSN is still read as a bounce', async () => {
    const store = openSqliteStore(':memory:');
    const config = bouncesConfigSchema.parse({ secret: 'x', reportAddresses: ['dmarc-reports@example.co.jp'] });
    const deps = { store, policy: { observe: vi.fn() }, rates: new BounceRates(config.rates, { events: store.events, restrict: vi.fn(), logger }), logger, config };
    const intake = new BounceIntake(store, (m, raw) => handleInbound(m, raw, deps), logger);
    const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/dmarc/${name}`, import.meta.url));
    // the second report reached the mailbox through an alias: only its subject says what it is
    const aliased = Buffer.from(fixture('small-provider-email-xml.eml').toString('latin1').replace('To: dmarc-reports@example.co.jp', 'To: postmaster@example.co.jp'), 'latin1');
    const box = fakeMailbox([
      { uid: 1, raw: fixture('yahoo-email-gz.eml') },
      { uid: 2, raw: aliased },
      { uid: 3, raw: dsn('<m3@example.co.jp>') },
    ]);
    await new MailboxPoller(imap, intake, logger, () => box.client).pollOnce();
    await intake.settled();
    // Listed by the time stored; notices stored within one millisecond come in the order of their
    // ids, so they are compared in mailbox order.
    const kinds = (await store.bounces.list({})).map((m) => [m.remote, m.kind]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(kinds).toEqual([
      ['INBOX:1', 'dmarc-report'],
      ['INBOX:2', 'dmarc-report'],
      // read as a bounce: one for a message this gateway never sent is spoofing evidence
      ['INBOX:3', 'spoofing'],
    ]);
    expect(await store.events.query({ codes: ['bounce:dmarc-report'] })).toHaveLength(2);
    await store.close();
  });
});

describe('a notice that arrives twice', () => {
  it('is counted once: the second copy changes nothing and feeds nothing to the engine', async () => {
    const store = openSqliteStore(':memory:');
    const observe = vi.fn();
    const config = bouncesConfigSchema.parse({ secret: 'x' });
    const deps = { store, policy: { observe }, rates: new BounceRates(config.rates, { events: store.events, restrict: vi.fn(), logger }), logger, config };
    const intake = new BounceIntake(store, (m, raw) => handleInbound(m, raw, deps), logger);
    await store.queue.enqueue({ id: 'Q9', account: 'tanaka@example.co.jp', mailFrom: 'tanaka@example.co.jp', messageId: '<m9@example.co.jp>', rcpts: ['kijitora@example.net'], raw: Buffer.from('x'), state: 'queued', createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const box = fakeMailbox([{ uid: 1, raw: dsn('<m9@example.co.jp>') }, { uid: 2, raw: dsn('<m9@example.co.jp>') }]);
    await new MailboxPoller(imap, intake, logger, () => box.client).pollOnce();
    await intake.settled();
    expect(observe).toHaveBeenCalledTimes(1);
    expect(await store.events.query({ codes: ['bounce:received'] })).toHaveLength(1);
    await store.close();
  });
});
