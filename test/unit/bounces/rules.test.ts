import { describe, expect, it } from 'vitest';
import { REASON_RULES } from '../../../src/bounces/rules/index.js';
import { loadRules } from '../../../src/bounces/rules/load.js';
import { classify, reasonFromStatus, reasonFromText, statusFromText } from '../../../src/bounces/parse/classify.js';

describe('the reason rules data', () => {
  it('classifies every example reply written above a rule as that rule’s reason', () => {
    const wrong = REASON_RULES.flatMap((rule) =>
      rule.examples
        .map((example) => ({ example, want: rule.reason, got: reasonFromText(example), at: rule.source }))
        .filter((r) => r.got !== r.want),
    );
    expect(wrong).toEqual([]);
  });

  it('refuses a rule without an example reply above it', () => {
    expect(() => loadRules('userunknown  user unknown\n', 'inline')).toThrow(/no example/);
  });

  it('refuses a line that is not "reason pattern"', () => {
    expect(() => loadRules('# 550 x\nUser Unknown!\n', 'inline')).toThrow(/expected/);
  });
});

// Real replies seen in bounces, beyond the examples in the rules files.
const replies: Array<[string, string]> = [
  ['550 5.1.1 <kijitora@example.jp>... User Unknown', 'userunknown'],
  ['550 5.1.1 RESOLVER.ADR.RecipNotFound; not found', 'userunknown'],
  ["550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address", 'userunknown'],
  ['554 delivery error: dd This user doesn\'t have a yahoo.com account (kijitora@yahoo.com) [0] - mta1234.mail.ne1.yahoo.com', 'userunknown'],
  ['550 5.5.0 Requested action not taken: mailbox unavailable.', 'userunknown'],
  ['550 Unknown user kijitora@docomo.ne.jp', 'userunknown'],
  ['550 Invalid recipient: <kijitora@i.softbank.jp>', 'userunknown'],
  ['User kijitora (kijitora@example.jp) not listed in Domino Directory', 'userunknown'],
  ['552-5.2.2 The email account that you tried to reach is over quota.', 'mailboxfull'],
  ['452 4.2.2 Mailbox full', 'mailboxfull'],
  ['As their mailbox is full.', 'mailboxfull'],
  ['550 5.2.1 The email account that you tried to reach is disabled.', 'suspend'],
  ['The user(s) account is temporarily limited.', 'suspend'],
  ['Host or domain name not found. Name service error for name=example.invalid type=MX: Host not found, try again', 'hostunknown'],
  ['450 4.1.2 <kijitora@example.invalid>: Recipient address rejected: Domain not found', 'hostunknown'],
  ['Unrouteable address', 'hostunknown'],
  ['554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org', 'blocked'],
  ['550 5.7.1 Unfortunately, messages from [192.0.2.1] weren\'t sent. Please contact your Internet service provider since part of their network is on our block list (S3150).', 'blocked'],
  ['550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]', 'blocked'],
  ['550-5.7.1 [192.0.2.1] Our system has detected that this message is likely unsolicited mail.', 'spamdetected'],
  ['550-5.7.26 This mail has been blocked because the sender is unauthenticated.', 'securityerror'],
  ['554 5.7.1 <kijitora@example.net>: Relay access denied', 'norelaying'],
  ['553 5.1.8 <info@example.jp>... Domain of sender address info@example.jp does not exist', 'rejected'],
  ['552 5.3.4 Message size exceeds fixed maximum message size', 'mesgtoobig'],
  ['550 5.7.0 Message rejected: virus Eicar-Test-Signature found', 'virusdetected'],
  ['421 4.7.0 Too many concurrent SMTP connections from this IP address', 'toomanyconn'],
  ['421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address.', 'speeding'],
  ['retry timeout exceeded', 'expired'],
  ['connect to mx.example.net[192.0.2.1]:25: Connection timed out', 'networkerror'],
  ['551 5.1.6 Recipient kijitora@example.net has moved; please try neko@example.org', 'hasmoved'],
  ['554 5.6.0 Message content rejected', 'contenterror'],
  ['宛先のメールアドレスは存在しません', 'userunknown'],
  ['メールボックスの容量がいっぱいのため受信できません', 'mailboxfull'],
];

describe('reasons from real replies', () => {
  it.each(replies)('reads %j as %s', (reply, reason) => {
    expect(reasonFromText(reply)).toBe(reason);
  });

  it('falls back on the status code when the text says nothing known', () => {
    expect(classify({ diagnostic: '550 Rejected', status: '5.1.1', action: 'failed' })).toBe('userunknown');
    expect(classify({ diagnostic: '', status: '5.2.2', action: 'failed' })).toBe('mailboxfull');
    expect(reasonFromStatus('4.4.7')).toBe('expired');
  });

  it('calls a delayed notice with nothing else to go on expired, and an unexplained one onhold', () => {
    expect(classify({ diagnostic: '', status: '4.0.0', action: 'delayed' })).toBe('expired');
    expect(classify({ diagnostic: 'Something odd happened', status: '5.0.0', action: 'failed' })).toBe('onhold');
    expect(classify({ diagnostic: '', status: '', action: 'failed' })).toBe('undefined');
  });

  it('reads the enhanced code inside a reply, and the class from a bare reply code', () => {
    expect(statusFromText('host mx.example.net[192.0.2.1] said: 550 5.1.1 <x@example.net>: User unknown')).toBe('5.1.1');
    expect(statusFromText('Sorry, no mailbox here by that name. (#5.1.1)')).toBe('5.1.1');
    expect(statusFromText('550 Unknown user x@docomo.ne.jp')).toBe('5.0.0');
    expect(statusFromText('no code at 192.0.2.1 here')).toBe('');
  });
});
