import type { Text } from '../core/i18n.js';
import { say } from '../core/i18n.js';
import type { Logger } from '../observability/logger.js';
import type { InboundOutcome, Store } from '../storage/ports/index.js';
import type { BounceResult } from './parse/index.js';

/**
 * A bounce for a message that never passed through the gateway: no valid return-path token and
 * a Message-ID the queue has never seen. The gateway signs every return path and keeps every
 * message it relays, so such a bounce is backscatter from mail that someone else sent using the
 * domain's name. It is recorded as evidence and points the administrator to DMARC.
 */
export interface SpoofingEvidence {
  reportingMta: string | null;
  /** The From address of the original message, as the bounce returned it. */
  headerFrom: string | null;
  messageId: string | null;
  recipients: string[];
  /** Who sent the notice (MAILER-DAEMON@…), or the envelope sender. */
  noticeFrom: string | null;
}

export const spoofingFinding: Text = {
  en:
    'A bounce arrived for a message this gateway never sent (From {from}, Message-ID {messageId}, to {rcpt}, reported by {mta}): ' +
    'someone else is sending mail in the name of {domain}. Check the domain\'s SPF, DKIM and DMARC with "mailwarden domain check {domain}", ' +
    'see who sends as it with "mailwarden dmarc sources {domain}", and move the DMARC policy towards p=reject.',
  ja:
    'このゲートウェイが送っていないメールのバウンスが届きました (From {from}、Message-ID {messageId}、宛先 {rcpt}、報告元 {mta})。' +
    '第三者が {domain} の名前でメールを送っています。"mailwarden domain check {domain}" で SPF・DKIM・DMARC を確認し、' +
    '"mailwarden dmarc sources {domain}" でこのドメインとして送っている送信元を確かめ、DMARC ポリシーを p=reject に近づけてください。',
};

const ADDRESS = /[^\s<>"(),;:]+@[^\s<>"(),;:]+/;

function headerValue(lines: string[], name: string): string | null {
  const re = new RegExp(`^${name}:\\s*(.*)$`, 'i');
  for (const line of lines) {
    const m = re.exec(line);
    if (m) return m[1].trim();
  }
  return null;
}

/** Reads the evidence from the notice: the returned original's headers follow the notice's own. */
export function evidenceOf(raw: Buffer, result: BounceResult, envelopeFrom: string): SpoofingEvidence {
  const text = raw.subarray(0, 1024 * 1024).toString('utf8');
  const lines = text.split(/\r?\n/);
  const firstBlank = lines.findIndex((l) => l === '');
  const own = lines.slice(0, firstBlank < 0 ? lines.length : firstBlank);
  const rest = firstBlank < 0 ? [] : lines.slice(firstBlank + 1);
  const mid = result.originalMessageId;
  const at = mid ? rest.findIndex((l) => /^message-id:/i.test(l) && l.includes(mid)) : -1;
  // the original's header block is the run of non-empty lines around its Message-ID line
  let start = at;
  while (start > 0 && rest[start - 1] !== '') start--;
  let end = at;
  while (end >= 0 && end < rest.length && rest[end] !== '') end++;
  const block = at >= 0 ? rest.slice(start, end) : rest;
  const from = headerValue(block, 'from');
  const mta = /^Reporting-MTA:\s*(?:dns;\s*)?(\S+)/im.exec(text)?.[1] ?? result.recipients.find((r) => r.remoteMta)?.remoteMta ?? null;
  const noticeFrom = headerValue(own, 'from');
  return {
    reportingMta: mta,
    headerFrom: from ? (ADDRESS.exec(from)?.[0] ?? null) : null,
    messageId: mid,
    recipients: result.recipients.map((r) => r.address),
    noticeFrom: noticeFrom ? (ADDRESS.exec(noticeFrom)?.[0] ?? noticeFrom) : envelopeFrom || null,
  };
}

export async function recordSpoofing(
  input: { raw: Buffer; result: BounceResult; envelopeFrom: string; receivedAt: string; inboundId: string },
  deps: { store: Store; logger: Logger },
): Promise<InboundOutcome> {
  const evidence = evidenceOf(input.raw, input.result, input.envelopeFrom);
  const domain = evidence.headerFrom ? evidence.headerFrom.slice(evidence.headerFrom.lastIndexOf('@') + 1).toLowerCase() : null;
  const params = {
    from: evidence.headerFrom ?? '?',
    messageId: evidence.messageId ?? '?',
    rcpt: evidence.recipients.join(', ') || '?',
    mta: evidence.reportingMta ?? evidence.noticeFrom ?? '?',
    domain: domain ?? 'DOMAIN',
  };
  const finding = { en: say(spoofingFinding, params, 'en'), ja: say(spoofingFinding, params, 'ja') };
  const data = { ...evidence, domain, kind: input.result.kind, inboundId: input.inboundId, finding };
  await deps.store.events.append({ ts: input.receivedAt, code: 'bounce:spoofing-evidence', account: null, data });
  deps.logger.warn({ ...evidence, domain }, 'bounce for mail this gateway never sent: the domain is being spoofed');
  return { state: 'handled', kind: 'spoofing', account: null, queueId: null, summary: data, error: null };
}
