import { header, type MailView } from '../types.js';
import type { TextFormat } from './scan.js';

/**
 * The plain-text bounce formats of real MTAs and providers, most specific first. Each entry quotes
 * the fixed sentences the software writes; the scanner in scan.ts does the reading.
 */
const ANGLE_RECIPIENT = /^<([^<>\s]+@[^<>\s]+)>:?\s*(.*)$/;
const INDENTED_ADDRESS = /^\s+<?([^\s<>@'"]+@[^\s<>'":]+)>?:?\s*$/;

export const TEXT_FORMATS: readonly TextFormat[] = [
  {
    // au by KDDI (current): "Your mail sent on: …\n  Could not be delivered to: <…>\n  As their mailbox is full."
    name: 'kddi',
    start: /^Your mail (sent|attempted to be delivered) on:/,
    recipient: /Could not be delivered to: <([^<>\s]+@[^<>\s]+)>\s*(.*)$/,
    reasonOverride: spasign,
  },
  {
    // au EZweb (older): the explanation comes before the recipients, which follow one per line
    name: 'ezweb',
    detect: (v) => /ezweb\.ne\.jp|au\.com/i.test(v.from) || v.subject === 'Mail System Error - Returned Mail',
    start: /^(The user\(s\) |Your message |Each of the following)/,
    end: /^-{20,}|^Content-Type: message\/rfc822/,
    recipient: /^(?:\s*Recipient: )?<([^<>\s]+@[^<>\s]+)>:?\s*(.*)$/,
    leadIn: true,
    reasonOverride: spasign,
  },
  {
    // Exchange 2007 and later, Microsoft 365 and Outlook.com without a delivery-status part
    name: 'exchange2007',
    start: /^Diagnostic information for administrators:/,
    end: /^Original message headers:/,
    recipient: /^\s*([^\s@:<>]+@[a-z0-9.-]+\.[a-z]{2,})\s*$/i,
    remoteMta: /^\s*([a-z0-9-]+(?:\.[a-z0-9-]+)+\.[a-z]{2,})\s*$/im,
  },
  {
    // Exchange 2000/2003: "      user@example.net on 2/14/2012 3:00 PM" then the reason and "<host #5.1.1>"
    name: 'exchange2003',
    start: /following recipient\(s\) (could not|cannot) be reached:/,
    recipient: /^\s*'?([^\s'@]+@[^\s']+)'? on \d/,
    remoteMta: /<([a-z0-9.-]+\.[a-z]{2,}) #[245]\.\d+\.\d+/i,
  },
  {
    name: 'exim',
    start: /^A message that you sent (could not|has not yet) be(en)? delivered|following address\(es\) failed:/,
    end: /^-{3,} ?(This is a copy of|The header of the original message)/,
    recipient: /^\s+<?([^\s<>@'"]+@[^\s<>'":]+)>?:?\s*(.*)$/,
    remoteMta: /host ([a-z0-9.-]+\.[a-z]{2,}) \[[0-9a-f.:]+\]/i,
    temporary: /This is a temporary error|has not yet been delivered/,
  },
  {
    name: 'postfix',
    start: /^This is the mail system at host|^I'm sorry to have to inform you that your message could not/,
    end: /^-{3,} ?(The )?(original|Undelivered) message|^Content-Description: Undelivered Message/i,
    recipient: /^<([^<>\s]+@[^<>\s]+)>(?: \(expanded from [^)]*\))?:\s*(.*)$/,
    remoteMta: /host ([a-z0-9.-]+\.[a-z]{2,})\[[0-9a-f.:]+\] said/i,
    temporary: /THIS IS A WARNING ONLY/,
  },
  {
    name: 'sendmail',
    start: /^\s*-{5} The following addresses had (permanent fatal errors|transient non-fatal errors) -{5}/,
    end: /^\s*-{5} (Original message|Message header|Unsent message) follows -{5}/,
    recipient: ANGLE_RECIPIENT,
    remoteMta: /while talking to ([a-z0-9.-]+\.[a-z]{2,})\.?:/i,
    temporary: /transient non-fatal errors|Warning: could not send message for past/,
  },
  {
    name: 'qmail',
    start: /^Hi\. This is the qmail-send program|I'm afraid I wasn't able to deliver your message/,
    end: /^--- (Below this line is a copy of the message|Enclosed are the original headers)/,
    recipient: ANGLE_RECIPIENT,
    remoteMta: /^([a-z0-9.-]+\.[a-z]{2,}|[0-9.]+) does not like recipient|Giving up on ([0-9a-f.:]+)/im,
  },
  {
    name: 'yahoo',
    start: /^Sorry, we were unable to deliver your message to the following address/,
    end: /^--- Below this line is a copy of the message/,
    recipient: ANGLE_RECIPIENT,
  },
  {
    name: 'courier',
    start: /Your message to the following recipients cannot be delivered|^\s*(UNDELIVERABLE|DELAYED) MAIL\s*$/,
    recipient: ANGLE_RECIPIENT,
    remoteMta: /^\s+([a-z0-9.-]+\.[a-z]{2,}) \[[0-9a-f.:]+\]:/im,
    temporary: /DELAYED MAIL|has not been delivered yet/,
  },
  {
    // Gmail's older plain-text notice
    name: 'gmail',
    start: /^Delivery to the following recipients? (failed|has been delayed)/,
    end: /^-{5} (Original message|Message truncated) -{5}/,
    recipient: INDENTED_ADDRESS,
    remoteMta: /recipient domain \S+ by ([a-z0-9.-]+?)\.? \[/i,
    temporary: /has been delayed|will (retry|continue trying)/,
  },
  {
    // Lotus Domino / HCL Notes: "Your message … was not delivered to: … because: …"
    name: 'domino',
    start: /was not delivered to:\s*$/,
    recipient: INDENTED_ADDRESS,
  },
  {
    // Japanese ISP and carrier notices (SoftBank, i.softbank.jp and others), often ISO-2022-JP
    name: 'jp-notice',
    detect: (v) => /softbank|mailer-daemon|postmaster/i.test(v.from),
    start: /(送信|配信|配送)(でき|出来)ませんでした|届けることができませんでした|宛先不明/,
    end: /^-{3,}.*(元のメッセージ|原文|Original message)|^-{20,}\s*$/,
    recipient: /^\s*<?([^\s<>@:：]+@[^\s<>:：]+)>?\s*[:：]?\s*(.*)$/,
  },
];

function spasign(view: MailView): string | undefined {
  // au marks mail that the recipient's own filter refused with "X-SPASIGN: NG"
  return header(view, 'x-spasign').trim().toUpperCase() === 'NG' ? 'filtered' : undefined;
}
