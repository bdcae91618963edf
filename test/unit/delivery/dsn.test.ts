import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildDsn, type DsnInput } from '../../../src/delivery/dsn.js';

const original = Buffer.concat([
  Buffer.from('From: =?UTF-8?B?55Sw5Lit?= <tanaka@example.co.jp>\r\nTo: <a@customer.example>\r\nSubject: '),
  Buffer.from('見積書の送付', 'utf8'),
  Buffer.from('\r\nMessage-ID: <m1@example.co.jp>\r\n\r\nbody that must not come back\r\n'),
]);

const input = (over: Partial<DsnInput> = {}): DsnInput => ({
  reportingMta: 'gw.example.co.jp',
  to: 'tanaka@example.co.jp',
  arrivalDate: new Date('2026-01-05T09:00:00Z'),
  now: new Date('2026-01-05T09:03:10Z'),
  originalMessageId: '<m1@example.co.jp>',
  originalRaw: original,
  recipients: [
    {
      address: 'a@customer.example',
      status: '5.1.1',
      diagnostic: "550-5.1.1 The email account that you tried to reach does not exist.\r\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp",
      smtpReply: true,
      remoteMta: 'aspmx.l.google.com',
      lastAttempt: new Date('2026-01-05T09:03:10Z'),
    },
    { address: 'b@nomail.example', status: '5.1.10', diagnostic: 'domain nomail.example does not accept mail (null MX, RFC 7505)', smtpReply: false, remoteMta: null, lastAttempt: new Date('2026-01-05T09:03:10Z') },
  ],
  ...over,
});

/** The body parts of the multipart, split at the boundary named in the Content-Type. */
async function parts(raw: Buffer): Promise<Array<{ head: string; body: string }>> {
  const ct = (await simpleParser(raw)).headers.get('content-type') as { params: { boundary: string } };
  const text = raw.toString('utf8');
  const chunks = text.split(`\r\n--${ct.params.boundary}`).slice(1, -1);
  return chunks.map((c) => {
    const [head, ...body] = c.replace(/^\r\n/, '').split('\r\n\r\n');
    return { head, body: body.join('\r\n\r\n') };
  });
}

describe('the DSN', () => {
  it('parses as multipart/report with a bilingual human part and the original headers only', async () => {
    const { raw, messageId } = buildDsn(input());
    const parsed = await simpleParser(raw);

    expect(parsed.messageId).toBe(messageId);
    expect(parsed.inReplyTo).toBe('<m1@example.co.jp>');
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender / 配信不能のお知らせ (Undelivered Mail)');
    expect(parsed.from?.value[0].address).toBe('MAILER-DAEMON@gw.example.co.jp');
    expect(parsed.text).toContain('<a@customer.example>: 550-5.1.1 The email account');
    expect(parsed.text).toContain('管理者に連絡してください');
    // mailparser shows message/delivery-status inline, after the human part.
    expect(parsed.text).toContain('Final-Recipient: rfc822; a@customer.example');
    expect((await parts(raw)).map((p) => p.head.split('\r\n')[0])).toEqual([
      'Content-Type: text/plain; charset=utf-8',
      'Content-Type: message/delivery-status',
      'Content-Type: text/rfc822-headers; charset=utf-8',
    ]);
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['text/rfc822-headers']);
    const headers = parsed.attachments[0].content.toString('utf8');
    expect(headers).toContain('Subject: 見積書の送付');
    expect(raw.includes('body that must not come back')).toBe(false);
  });

  it('writes one field group per recipient, with one-line, folded Diagnostic-Codes', async () => {
    const { raw } = buildDsn(input());
    const status = (await parts(raw))[1].body;
    const groups = status.trim().split(/\r\n\r\n/);

    expect(groups[0]).toBe('Reporting-MTA: dns; gw.example.co.jp\r\nArrival-Date: Mon, 05 Jan 2026 09:00:00 +0000');
    expect(groups[1]).toContain('Final-Recipient: rfc822; a@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; aspmx.l.google.com');
    expect(groups[1]).toMatch(/\r\n Diagnostic|\r\n \S/);
    expect(groups[1].replace(/\r\n /g, ' ')).toContain(
      'Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist. 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp',
    );
    expect(groups[2]).toContain('Diagnostic-Code: X-Mailwarden; domain nomail.example does not accept mail');
    expect(groups[2]).not.toContain('Remote-MTA');
    for (const line of status.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
  });
});
