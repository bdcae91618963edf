import { classify, statusFromText } from './classify.js';
import { cleanAddress, cleanDiagnostic, cleanHost } from './fields.js';
import type { BounceAction, BounceKind, BounceRecipient, MailView } from './types.js';

/**
 * Amazon SES bounce and complaint notifications delivered by mail (SNS e-mail subscriptions): the
 * body is the JSON document, either bare or wrapped in an SNS envelope whose "Message" is a string.
 */
export interface SesNotice {
  kind: Exclude<BounceKind, 'autoreply' | 'none'>;
  recipients: BounceRecipient[];
  originalMessageId: string | null;
}

type Json = Record<string, unknown>;

export function readSesNotification(view: MailView): SesNotice | undefined {
  const doc = parseJson(view.text.trim());
  const notice = typeof doc?.Message === 'string' ? parseJson(doc.Message) : doc;
  const type = notice?.notificationType ?? notice?.eventType;
  if (!notice || (type !== 'Bounce' && type !== 'Complaint')) return undefined;
  const mail = (notice.mail ?? {}) as Json;
  const common = (mail.commonHeaders ?? {}) as Json;
  const messageId = typeof common.messageId === 'string' ? common.messageId : null;
  return type === 'Bounce'
    ? { kind: 'bounce', recipients: sesBounced(notice.bounce as Json), originalMessageId: messageId }
    : { kind: 'complaint', recipients: sesComplained(notice.complaint as Json), originalMessageId: messageId };
}

function parseJson(text: string): Json | undefined {
  if (!text.startsWith('{') || text.length > 1_000_000) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function sesBounced(bounce: Json | undefined): BounceRecipient[] {
  const list = Array.isArray(bounce?.bouncedRecipients) ? (bounce.bouncedRecipients as Json[]) : [];
  const transient = bounce?.bounceType === 'Transient';
  const reporter = typeof bounce?.reportingMTA === 'string' ? bounce.reportingMTA : '';
  return list.map((r) => {
    const diagnostic = cleanDiagnostic(String(r.diagnosticCode ?? ''));
    const status = String(r.status ?? '') || statusFromText(diagnostic);
    const action: BounceAction = transient || status.startsWith('4') ? 'delayed' : 'failed';
    return {
      address: cleanAddress(String(r.emailAddress ?? '')),
      action,
      status,
      reason: classify({ diagnostic, status, action }),
      diagnostic,
      remoteMta: reporter ? cleanHost(reporter) : null,
    };
  });
}

function sesComplained(complaint: Json | undefined): BounceRecipient[] {
  const list = Array.isArray(complaint?.complainedRecipients) ? (complaint.complainedRecipients as Json[]) : [];
  const type = String(complaint?.complaintFeedbackType ?? 'abuse');
  return list.map((r) => ({
    address: cleanAddress(String(r.emailAddress ?? '')),
    action: 'failed' as const,
    status: '',
    reason: 'feedback',
    diagnostic: `feedback-type: ${type}`,
    remoteMta: null,
  }));
}
