import type { InboundMessage, InboundOutcome } from '../storage/ports/index.js';
import type { BouncesConfig } from './config.js';
import { correlate, type CorrelateDeps } from './correlate.js';
import { parseBounce } from './parse/index.js';
import { isReportAddress, tokenOf } from './rcpt-to.js';
import { dmarcReportOf, mailboxReportHint, recordReport } from './reports.js';

export interface HandleDeps extends CorrelateDeps {
  config: BouncesConfig;
}

/**
 * What happens to one received message, in order: a DMARC report sent to a report address is
 * stored as a report; anything else is parsed, and a bounce or complaint is correlated with the
 * message it answers. Auto-replies and other mail are kept, marked, and otherwise left alone.
 */
export async function handleInbound(message: InboundMessage, raw: Buffer, deps: HandleDeps): Promise<InboundOutcome> {
  return (await reportIfSentToReportAddress(message, raw, deps)) ?? (await bounceOrComplaint(message, raw, deps));
}

async function reportIfSentToReportAddress(message: InboundMessage, raw: Buffer, deps: HandleDeps): Promise<InboundOutcome | null> {
  const isReport = (r: string): boolean => isReportAddress(r, deps.config);
  // Mail read from a mailbox has no envelope: its header says whom it was for.
  const addressed = message.rcpts.length > 0 ? message.rcpts.some(isReport) : mailboxReportHint(raw, isReport);
  if (!addressed) return null;
  const report = await dmarcReportOf(raw);
  return report ? recordReport(report, message.receivedAt, message.id, deps.store) : null;
}

async function bounceOrComplaint(message: InboundMessage, raw: Buffer, deps: HandleDeps): Promise<InboundOutcome> {
  const result = await parseBounce(raw);
  if (result.kind !== 'bounce' && result.kind !== 'complaint') {
    return { state: 'handled', kind: result.kind, account: null, queueId: null, summary: { format: result.format ?? null }, error: null };
  }
  // the envelope recipient is authoritative; a mailbox copy only names its return path in headers
  const candidates = [...message.rcpts, ...(result.returnPath ? [result.returnPath] : [])];
  const token = tokenOf(candidates, deps.config, new Date(message.receivedAt));
  return correlate({ inboundId: message.id, raw, result, token, envelopeFrom: message.mailFrom, receivedAt: message.receivedAt }, deps);
}
