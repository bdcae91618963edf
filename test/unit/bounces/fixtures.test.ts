import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBounce, type BounceKind } from '../../../src/bounces/parse/index.js';

const dir = new URL('../../fixtures/bounces/', import.meta.url);
const load = (name: string) => readFileSync(new URL(name, dir));

interface Expected {
  kind: BounceKind;
  format?: string;
  mid: string | null;
  rcpts: Array<[address: string, action: string, status: string, reason: string, remoteMta?: string | null]>;
}

const bounce = (format: string, mid: string | null, ...rcpts: Expected['rcpts']): Expected => ({ kind: 'bounce', format, mid, rcpts });

const cases: Record<string, Expected> = {
  'postfix-dsn-userunknown.eml': bounce('dsn', '<01JGX4K7Q2W3E5R6T7Y8U9I0PA@gw.example.co.jp>', ['kijitora@example.net', 'failed', '5.1.1', 'userunknown', 'mailstore1.example.net']),
  'postfix-dsn-delayed.eml': bounce('dsn', '<delayed-7f3c9a12be@gw.example.co.jp>', ['buchineko@example.com', 'delayed', '4.4.1', 'networkerror', 'mx.example.com']),
  'postfix-text-legacy.eml': bounce(
    'postfix',
    '<legacy-0001@gw.example.co.jp>',
    ['sabineko@example.org', 'failed', '5.1.1', 'userunknown', 'mx2.example.org'],
    ['mikeneko@example.invalid', 'failed', '5.1.2', 'hostunknown', null],
  ),
  'exim-failed.eml': bounce(
    'exim',
    '<exim-orig-42@gw.example.co.jp>',
    ['shironeko@example.ac.jp', 'failed', '5.1.1', 'userunknown', 'mailbox.example.ac.jp'],
    ['kuroneko@nowhere.example.ac.jp', 'failed', '5.1.2', 'hostunknown', null],
  ),
  'sendmail-dsn-mailboxfull.eml': bounce('dsn', '<sendmail-orig-7@gw.example.co.jp>', ['mikeneko@example.jp', 'failed', '5.2.2', 'mailboxfull', 'mbox.example.jp']),
  'qmail.eml': bounce(
    'qmail',
    '<qmail-orig-3@gw.example.co.jp>',
    ['nekochan@example.com', 'failed', '5.1.1', 'userunknown', null],
    ['tora@example.org', 'failed', '5.1.1', 'userunknown', '192.0.2.88'],
  ),
  'courier-dsn-blocked.eml': bounce('dsn', '<courier-orig-11@gw.example.co.jp>', ['hachiware@example.info', 'failed', '5.7.1', 'blocked', 'mail.example.info']),
  'exchange2003.eml': bounce('exchange2003', null, ['suzuki@corp.example.com', 'failed', '5.1.1', 'userunknown', 'exch01.corp.example.com']),
  'exchange2007.eml': bounce('exchange2007', '<ex2007-orig-5@gw.example.co.jp>', ['yamada@corp.example.net', 'failed', '5.1.1', 'userunknown']),
  'm365-dsn.eml': bounce('dsn', '<m365-orig-9@gw.example.co.jp>', ['satou@contoso.example', 'failed', '5.1.10', 'userunknown', null]),
  'outlookcom-dsn-mailboxfull.eml': bounce('dsn', '<outlook-orig-2@gw.example.co.jp>', ['nekonoko@outlook.jp', 'failed', '5.2.2', 'mailboxfull']),
  'gmail-dsn.eml': bounce('dsn', '<gmail-orig-1@gw.example.co.jp>', ['noneko@gmail.com', 'failed', '5.1.1', 'userunknown', 'gmail-smtp-in.l.google.com']),
  'gmail-legacy.eml': bounce('gmail', '<gmail-legacy-orig@gw.example.co.jp>', ['kuro@example.net', 'failed', '5.1.1', 'userunknown', 'mx01.example.net']),
  'yahoo.eml': bounce('yahoo', '<yahoo-orig-4@gw.example.co.jp>', ['mikan@yahoo.co.jp', 'failed', '5.1.1', 'userunknown']),
  'amazonses-dsn.eml': bounce('dsn', '<ses-orig-8@gw.example.co.jp>', ['hayashi@example.com', 'failed', '5.2.1', 'suspend', 'mx.example.com']),
  'amazonses-notification.eml': bounce('amazonses', '<ses-json-orig@gw.example.co.jp>', ['ito@example.org', 'failed', '5.1.1', 'userunknown']),
  'domino.eml': bounce('domino', null, ['kobayashi@notes.example.co.jp', 'failed', '5.1.1', 'userunknown']),
  'kddi-mailboxfull.eml': bounce('kddi', '<kddi-orig-1@gw.example.co.jp>', ['neko-chan@ezweb.ne.jp', 'failed', '5.2.2', 'mailboxfull']),
  'ezweb-suspend.eml': bounce('ezweb', '<ezweb-orig-2@gw.example.co.jp>', ['tama.2010@ezweb.ne.jp', 'failed', '5.2.1', 'suspend']),
  'ezweb-filtered.eml': bounce('ezweb', '<ezweb-orig-3@gw.example.co.jp>', ['mike_cat@ezweb.ne.jp', 'failed', '5.2.0', 'filtered']),
  'docomo-dsn.eml': bounce('dsn', '<docomo-orig-4@gw.example.co.jp>', ['hanako.0123@docomo.ne.jp', 'failed', '5.1.1', 'userunknown']),
  'softbank-iso2022jp.eml': bounce('jp-notice', '<softbank-orig-5@gw.example.co.jp>', ['taro-sb@i.softbank.jp', 'failed', '5.1.1', 'userunknown']),
  'arf-abuse.eml': { kind: 'complaint', format: 'arf', mid: '<arf-orig-8@gw.example.co.jp>', rcpts: [['hanako@hotmail.example', 'failed', '', 'feedback', 'mail.hotmail.example']] },
  'autoreply-out-of-office.eml': { kind: 'autoreply', mid: '<oof-orig-6@gw.example.co.jp>', rcpts: [] },
  'autoreply-ja-subject.eml': { kind: 'autoreply', mid: '<fuzai-orig-7@gw.example.co.jp>', rcpts: [] },
  'not-a-bounce.eml': { kind: 'none', mid: null, rcpts: [] },
  'dsn-delivered.eml': { kind: 'none', mid: null, rcpts: [] },
};

describe('bounce fixtures of each MTA and provider', () => {
  it.each(Object.entries(cases))('%s reads as expected', async (name, want) => {
    const got = await parseBounce(load(name));
    expect(got.kind).toBe(want.kind);
    expect(got.isBounce).toBe(want.kind === 'bounce' || want.kind === 'complaint');
    if (want.format) expect(got.format).toBe(want.format);
    expect(got.originalMessageId).toBe(want.mid);
    const rcpts = got.recipients.map((r) => [r.address, r.action, r.status, r.reason, r.remoteMta]);
    expect(rcpts.map((r, i) => r.slice(0, want.rcpts[i]?.length ?? 4))).toEqual(want.rcpts);
  });

  it('quotes the remote reply as the diagnostic, without the "smtp;" type', async () => {
    const got = await parseBounce(load('postfix-dsn-userunknown.eml'));
    expect(got.recipients[0].diagnostic).toBe(
      '550 5.1.1 <kijitora@example.net>: Recipient address rejected: User unknown in local recipient table',
    );
  });

  it('keeps a multi-line reply once, without its repeated codes', async () => {
    const got = await parseBounce(load('gmail-dsn.eml'));
    expect(got.recipients[0].diagnostic).toMatch(/^550 5\.1\.1 The email account that you tried to reach does not exist\. Please try double-checking/);
    expect(got.recipients[0].diagnostic).not.toMatch(/550-/);
  });

  it('finds the signed return path the notice was sent to', async () => {
    const got = await parseBounce(load('qmail.eml'));
    expect(got.returnPathToken).toBe('7f3c9a12be=2=fsa=muv7extmr5');
    expect(got.returnPath).toBe('bounces+7f3c9a12be=2=fsa=muv7extmr5@bounces.example.co.jp');
  });

  it('reads broken MIME without hanging and without inventing recipients', async () => {
    const got = await parseBounce(load('broken-mime.eml'));
    expect(got.kind).toBe('bounce');
    expect(got.recipients.every((r) => r.address.includes('@'))).toBe(true);
  });

  it('rejects input that is not a message at all', async () => {
    await expect(parseBounce(load('not-a-message.bin'))).rejects.toThrow(/no message headers/);
    await expect(parseBounce(Buffer.alloc(0))).rejects.toThrow();
  });

  it('reads only the head of an oversized input', async () => {
    const huge = Buffer.concat([load('postfix-dsn-userunknown.eml'), Buffer.alloc(11 * 1024 * 1024, 0x61)]);
    const got = await parseBounce(huge);
    expect(got.recipients[0]?.reason).toBe('userunknown');
  });
});
