import { isFeedbackReport, recipientsFromFeedback } from './arf.js';
import { isAutoReply } from './autoreply.js';
import { recipientsFromDeliveryStatus } from './dsn.js';
import { originalMessageId, returnPathOf } from './message-id.js';
import { readMail } from './mime.js';
import { readSesNotification } from './ses.js';
import { TEXT_FORMATS } from './text/formats.js';
import { looksLikeBounce, scanGeneric } from './text/generic.js';
import { scanText } from './text/scan.js';
import type { BounceKind, BounceRecipient, BounceResult, MailView } from './types.js';

export type { BounceAction, BounceKind, BounceRecipient, BounceResult } from './types.js';
export { MAX_INPUT_BYTES, MessageUnreadable } from './mime.js';
export { classify, reasonFromStatus, reasonFromText, statusFromText } from './classify.js';

/**
 * Reads one message received at the bounce address and says what it is: a bounce (with one entry
 * per recipient), a complaint, an auto-reply, or none of these. Standard reports are trusted
 * first; plain-text formats are read only when no report part is there.
 * Throws MessageUnreadable when the input is not a message at all.
 */
export async function parseBounce(raw: Buffer): Promise<BounceResult> {
  const view = await readMail(raw);
  return (
    complaintIfFeedbackReport(view) ??
    bounceIfDeliveryStatus(view) ??
    noticeIfAmazonSes(view) ??
    bounceIfKnownTextFormat(view) ??
    autoReplyIfMarked(view) ??
    bounceIfLooksLikeOne(view) ??
    result(view, 'none', [])
  );
}

function complaintIfFeedbackReport(view: MailView): BounceResult | undefined {
  if (!isFeedbackReport(view)) return undefined;
  return result(view, 'complaint', recipientsFromFeedback(view), 'arf');
}

function bounceIfDeliveryStatus(view: MailView): BounceResult | undefined {
  if (view.deliveryStatus.length === 0) return undefined;
  const recipients = recipientsFromDeliveryStatus(view.deliveryStatus, explainFromText(view));
  if (recipients.length === 0) return undefined;
  // a report that only confirms delivery (NOTIFY=SUCCESS, or "relayed") is not a bounce
  if (recipients.every((r) => r.reason === 'delivered')) return result(view, 'none', [], 'dsn');
  return result(view, 'bounce', recipients, 'dsn');
}

function noticeIfAmazonSes(view: MailView): BounceResult | undefined {
  const notice = readSesNotification(view);
  if (!notice) return undefined;
  const out = result(view, notice.kind, notice.recipients, 'amazonses');
  return { ...out, originalMessageId: notice.originalMessageId ?? out.originalMessageId };
}

function bounceIfKnownTextFormat(view: MailView): BounceResult | undefined {
  for (const format of TEXT_FORMATS) {
    if (format.detect && !format.detect(view)) continue;
    const recipients = scanText(view, format);
    if (recipients.length > 0) return result(view, 'bounce', recipients, format.name);
  }
  return undefined;
}

function autoReplyIfMarked(view: MailView): BounceResult | undefined {
  // Exim marks its own bounces "Auto-Submitted: auto-replied"; those are caught before this step
  if (!isAutoReply(view) || looksLikeBounce(view)) return undefined;
  return result(view, 'autoreply', [], 'autoreply');
}

function bounceIfLooksLikeOne(view: MailView): BounceResult | undefined {
  if (!looksLikeBounce(view)) return undefined;
  return result(view, 'bounce', scanGeneric(view), 'generic');
}

/** Reports without Diagnostic-Code (Exchange, some carriers) explain themselves in the text part. */
function explainFromText(view: MailView): (address: string) => string {
  let found: BounceRecipient[] | undefined;
  return (address) => {
    found ??= TEXT_FORMATS.flatMap((f) => (!f.detect || f.detect(view) ? scanText(view, f) : []));
    return found.find((r) => r.address.toLowerCase() === address.toLowerCase())?.diagnostic ?? '';
  };
}

function result(view: MailView, kind: BounceKind, recipients: BounceRecipient[], format?: string): BounceResult {
  const rp = returnPathOf(view);
  return {
    isBounce: kind === 'bounce' || kind === 'complaint',
    kind,
    // an ordinary message's In-Reply-To names a message it answers, not one that failed
    originalMessageId: kind === 'none' ? null : originalMessageId(view),
    recipients: kind === 'autoreply' || kind === 'none' ? [] : recipients,
    ...(rp ? { returnPathToken: rp.token, returnPath: rp.address } : {}),
    ...(format ? { format } : {}),
  };
}
