import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { startNextHop, type NextHop } from '../../helpers/next-hop.js';
import { enqueue, harness, mapResolver, type Harness } from './fixture.js';

let hop: NextHop | undefined;
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  await hop?.stop();
  h = undefined;
  hop = undefined;
});

const mxTo = (domain: string) =>
  mapResolver({ mx: { [domain]: [{ exchange: `mx.${domain}`, priority: 10 }] }, a: { [`mx.${domain}`]: ['127.0.0.1'] } });

async function onlyDsn(h: Harness) {
  const dsns = (await h.store.queue.list({ limit: 100 })).filter((m) => m.isDsn);
  expect(dsns).toHaveLength(1);
  const raw = await h.store.queue.getRaw(dsns[0].id);
  return { dsn: dsns[0], raw: raw!, parsed: await simpleParser(raw!) };
}

function part(raw: Buffer, contentType: string): string {
  const text = raw.toString('utf8');
  const start = text.indexOf(`Content-Type: ${contentType}`);
  expect(start).toBeGreaterThan(0);
  return text.slice(start, text.indexOf('\r\n--', start));
}

describe('permanent failures and DSNs', () => {
  it('fails a recipient at a null-MX domain with 5.1.10 and returns a DSN (RFC 7505)', async () => {
    h = harness({ mode: 'mx' }, { resolver: mapResolver({ mx: { 'nomail.example': [{ exchange: '', priority: 0 }] } }) });
    const id = await enqueue(h, { rcpts: ['x@nomail.example'] });

    await h.worker.runOnce();

    const stored = await h.store.queue.get(id);
    expect(stored?.state).toBe('done');
    expect(stored?.recipients[0]).toMatchObject({ status: 'failed', lastReply: expect.stringContaining('null MX') });
    const { dsn, raw } = await onlyDsn(h);
    expect(dsn).toMatchObject({ mailFrom: '', recipients: [{ address: 'tanaka@example.co.jp' }] });
    expect(part(raw, 'message/delivery-status')).toContain('Status: 5.1.10');
    expect(h.events.map((e) => e.code)).toEqual(['delivery:failed', 'delivery:dsn-sent']);
  });

  it('returns a 550 as a multipart/report DSN that mailparser reads, with every RFC 3464 field', async () => {
    hop = await startNextHop({ rcptReply: () => '550 5.1.1 <ghost@customer.example>: Recipient address rejected: User unknown' });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example') });
    const id = await enqueue(h, { rcpts: ['ghost@customer.example'] });

    await h.worker.runOnce();

    expect(hop.messages).toHaveLength(0);
    const { dsn, raw, parsed } = await onlyDsn(h);
    expect(dsn.id).toBe(`${id}.dsn0`);
    const ct = parsed.headers.get('content-type') as { value: string; params: Record<string, string> };
    expect(ct.value).toBe('multipart/report');
    expect(ct.params['report-type']).toBe('delivery-status');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.text).toContain('could not be delivered');
    expect(parsed.text).toContain('配信できませんでした');
    const status = part(raw, 'message/delivery-status');
    expect(status).toMatch(/Reporting-MTA: dns; gw\.example\.co\.jp/);
    expect(status).toMatch(/Arrival-Date: .+\+0000/);
    expect(status).toContain('Final-Recipient: rfc822; ghost@customer.example');
    expect(status).toContain('Action: failed');
    expect(status).toContain('Status: 5.1.1');
    expect(status).toContain('Remote-MTA: dns; mx.customer.example');
    expect(status).toMatch(/Diagnostic-Code: smtp; 550 5\.1\.1 <ghost@customer\.example>: Recipient address\r?\n? rejected/);
    const headers = part(raw, 'text/rfc822-headers');
    expect(headers).toContain('Subject: Quarterly report');
    expect(raw.toString()).not.toContain('see attached');
  });

  it('delivers to the accepted recipient and bounces only the refused one', async () => {
    hop = await startNextHop({ rcptReply: (a) => (a.startsWith('gone') ? '550 5.1.1 No such user' : undefined) });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example') });
    const id = await enqueue(h, { rcpts: ['here@customer.example', 'gone@customer.example'] });

    const stored = await deliverHereFailGone(h, id);
    expect(stored?.recipients[1].lastReply).toBe('550 5.1.1 No such user');
    const { raw } = await onlyDsn(h);
    expect(part(raw, 'message/delivery-status')).not.toContain('here@customer.example');
  });

  it('does not try a recipient suppressed after the message was queued: it fails with the list entry and the sender gets the DSN', async () => {
    hop = await startNextHop();
    const list = new Map([['gone@customer.example', { address: 'gone@customer.example', reason: 'userunknown', status: '5.1.1', sourceQueueId: 'q0', createdBy: 'bounce', createdAt: '2026-11-20T08:00:00Z' }]]);
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example'), suppressed: async (a) => list.get(a) ?? null });
    const id = await enqueue(h, { rcpts: ['here@customer.example', 'gone@customer.example'] });

    const stored = await deliverHereFailGone(h, id);
    expect(stored?.recipients[1].lastReply).toMatch(/suppression list since 2026-11-20 \(userunknown\)/);
    const { raw } = await onlyDsn(h);
    const status = part(raw, 'message/delivery-status');
    expect(status).toContain('Final-Recipient: rfc822; gone@customer.example');
    expect(status).toContain('Status: 5.1.1');
  });

  it('tries every recipient when the suppression list cannot answer (fail open)', async () => {
    hop = await startNextHop();
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example'), suppressed: async () => { throw new Error('store down'); } });
    await enqueue(h, { rcpts: ['a@customer.example'] });
    await h.worker.runOnce();
    expect(hop.messages.map((m) => m.rcpts)).toEqual([['a@customer.example']]);
  });

  it('treats a 5xx after DATA as a permanent failure of every recipient of the transaction', async () => {
    hop = await startNextHop({ dataReply: () => '554 5.7.1 Message rejected as spam' });
    h = harness({ mode: 'mx', mxPort: hop.port }, { resolver: mxTo('customer.example') });
    const id = await enqueue(h, { rcpts: ['a@customer.example', 'b@customer.example'] });

    await h.worker.runOnce();

    const stored = await h.store.queue.get(id);
    expect(stored?.recipients.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(h.events.filter((e) => e.code === 'delivery:failed').map((e) => e.data.reason)).toEqual(['spamdetected', 'spamdetected']);
    await onlyDsn(h);
  });

  it('fails a recipient at a domain that does not exist', async () => {
    h = harness({ mode: 'mx' }, { resolver: mapResolver({ mx: { 'typo.example': 'NXDOMAIN' } }) });
    const id = await enqueue(h, { rcpts: ['x@typo.example'] });

    await h.worker.runOnce();

    expect((await h.store.queue.get(id))?.recipients[0].status).toBe('failed');
    const { raw } = await onlyDsn(h);
    expect(part(raw, 'message/delivery-status')).toContain('Status: 5.1.2');
  });

  it('never sends a DSN about a DSN or about a message with the null sender', async () => {
    h = harness({ mode: 'mx' }, { resolver: mapResolver({ mx: { 'nomail.example': [{ exchange: '.', priority: 0 }] } }) });
    const dsnId = await enqueue(h, { from: '', rcpts: ['x@nomail.example'], isDsn: true });
    const nullId = await enqueue(h, { from: '', rcpts: ['y@nomail.example'] });

    await h.worker.runOnce();

    expect((await h.store.queue.get(dsnId))?.recipients[0].status).toBe('failed');
    expect((await h.store.queue.get(nullId))?.recipients[0].status).toBe('failed');
    expect((await h.store.queue.list({ limit: 10 })).length).toBe(2);
    expect(h.events.some((e) => e.code === 'delivery:dsn-sent')).toBe(false);
  });
});

/** One delivery run; here@ reached the next hop and was delivered, gone@ failed. Returns the stored message. */
async function deliverHereFailGone(h: Harness, id: string) {
  await h.worker.runOnce();
  expect(hop!.messages.map((m) => m.rcpts)).toEqual([['here@customer.example']]);
  const stored = await h.store.queue.get(id);
  expect(stored?.recipients.map((r) => [r.address, r.status])).toEqual([
    ['here@customer.example', 'delivered'],
    ['gone@customer.example', 'failed'],
  ]);
  return stored;
}
