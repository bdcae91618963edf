import { describe, expect, it } from 'vitest';
import { backoffSeconds, classifyError, classifyReply } from '../../../src/delivery/classify.js';

/** Real replies, as the receivers send them (addresses and ids changed). */
const REPLIES: Array<[string, string, 'delivered' | 'deferred' | 'failed', string, string, string?]> = [
  // [receiver, reply, disposition, status, reason, command]
  ['Gmail', '250 2.0.0 OK  1700000000 a1-20020a05600c000000b0040c0000000si123456wmq.45 - gsmtp', 'delivered', '2.0.0', ''],
  [
    'Gmail',
    "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient's email address for typos or\r\n550-5.1.1 unnecessary spaces. For more information, go to\r\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1si123.45 - gsmtp",
    'failed',
    '5.1.1',
    'userunknown',
  ],
  [
    'Gmail',
    "452-4.2.2 The recipient's inbox is out of storage space. Please direct the\r\n452 4.2.2 recipient to https://support.google.com/mail/?p=OverQuotaTemp a1si123.45 - gsmtp",
    'deferred',
    '4.2.2',
    'mailboxfull',
  ],
  [
    'Gmail',
    '421-4.7.0 This message is suspicious due to the very low reputation of the sending IP address.\r\n421 4.7.0 https://support.google.com/mail/answer/188131 a1si123.45 - gsmtp',
    'deferred',
    '4.7.0',
    'blocked',
  ],
  [
    'Gmail',
    '550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users.\r\n550 5.7.26 https://support.google.com/mail/answer/81126 a1si123.45 - gsmtp',
    'failed',
    '5.7.26',
    'authfailure',
  ],
  ['Microsoft', '250 2.6.0 <m1@example.co.jp> [InternalId=123456789, Hostname=TY0PR01MB0000.jpnprd01.prod.outlook.com] Queued mail for delivery', 'delivered', '2.6.0', ''],
  ['Microsoft', '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup', 'failed', '5.1.10', 'userunknown'],
  [
    'Microsoft',
    '451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (S77719) [BN1NAM02FT001.eop-nam02.prod.protection.outlook.com]',
    'deferred',
    '4.7.500',
    'speeding',
  ],
  [
    'Microsoft',
    '550 5.7.1 Service unavailable, Client host [203.0.113.5] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/203.0.113.5 AS(1450)',
    'failed',
    '5.7.1',
    'blocked',
  ],
  ['Microsoft', '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded', 'failed', '5.2.2', 'mailboxfull'],
  ['Postfix', '250 2.0.0 Ok: queued as 4T5x1B2c3dz9abc', 'delivered', '2.0.0', ''],
  ['Postfix', '550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table', 'failed', '5.1.1', 'userunknown'],
  ['Postfix', '554 5.7.1 <x@example.org>: Relay access denied', 'failed', '5.7.1', 'norelaying'],
  ['Postfix', '552 5.3.4 Message size exceeds fixed limit', 'failed', '5.3.4', 'mesgtoobig'],
  ['Postfix', '450 4.1.8 <bounce@example.co.jp>: Sender address rejected: Domain not found', 'deferred', '4.1.8', 'rejected'],
  ['Postfix', '452 4.5.3 Error: too many recipients', 'deferred', '4.5.3', 'exceedlimit', 'RCPT TO'],
  ['Postfix', '503 5.5.1 Error: need MAIL command', 'deferred', '5.5.1', 'undefined'],
  ['Exim', '250 OK id=1rAbCd-000123-4x', 'delivered', '2.0.0', ''],
  ['Exim', '550 Unrouteable address', 'failed', '5.0.0', 'hostunknown'],
  ['Exim', '550-Verification failed for <bounce@example.co.jp>\r\n550-Called:   192.0.2.10\r\n550 Sender verify failed', 'failed', '5.0.0', 'rejected'],
  ['Exim', '451 Temporary local problem - please try later', 'deferred', '4.0.0', 'undefined'],
  ['Exim', '552 Too many recipients', 'deferred', '5.0.0', 'undefined', 'RCPT TO'],
];

describe('classifying replies of real receivers', () => {
  it.each(REPLIES)('%s: %s', (_who, reply, disposition, status, reason, command) => {
    const c = classifyReply(reply, command);
    expect(c).toMatchObject({ disposition, status });
    expect(c.reason).toBe(reason);
  });

  it('takes the reply class over a contradicting enhanced class (RFC 3463 §2)', () => {
    expect(classifyReply('450 5.1.1 mailbox busy')).toMatchObject({ disposition: 'deferred', status: '4.1.1' });
  });
});

describe('classifying client errors', () => {
  const err = (props: Record<string, unknown>) => Object.assign(new Error(String(props.message ?? 'x')), props);

  it('defers a refused connection', () => {
    expect(classifyError(err({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25' }))).toMatchObject({
      disposition: 'deferred',
      status: '4.4.1',
      reason: 'networkerror',
    });
  });

  it('defers a timeout', () => {
    expect(classifyError(err({ code: 'ETIMEDOUT', message: 'Greeting never received' }))).toMatchObject({ disposition: 'deferred', status: '4.4.2' });
  });

  it('defers a refused STARTTLS even when the server answered 5xx', () => {
    const c = classifyError(err({ code: 'ETLS', command: 'STARTTLS', response: '502 5.5.1 Unrecognized command', responseCode: 502 }));
    expect(c).toMatchObject({ disposition: 'deferred', status: '4.7.10', reason: 'securityerror' });
  });

  it('defers a failed AUTH at the relay instead of bouncing the sender', () => {
    const c = classifyError(err({ code: 'EAUTH', command: 'AUTH PLAIN', response: '535 5.7.8 Authentication credentials invalid', responseCode: 535 }));
    expect(c).toMatchObject({ disposition: 'deferred', status: '4.7.8' });
  });

  it('fails on a 5xx reply to MAIL FROM', () => {
    const c = classifyError(err({ code: 'EENVELOPE', command: 'MAIL FROM', response: '553 5.7.1 Sender address rejected: not owned by user', responseCode: 553 }));
    expect(c).toMatchObject({ disposition: 'failed', status: '5.7.1' });
  });
});

describe('backoff', () => {
  it('starts at the initial delay, multiplies by the factor and stops at the cap', () => {
    const retry = { initialSeconds: 300, factor: 2, maxSeconds: 3600 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffSeconds(n, retry))).toEqual([300, 600, 1200, 2400, 3600, 3600]);
  });
});
