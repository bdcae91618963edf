import { cleanAddress, cleanHost, field, parseFields, typedValue } from './fields.js';
import type { BounceRecipient, MailView } from './types.js';

/**
 * RFC 5965 feedback reports (a recipient pressed "this is spam"). They are complaints, not
 * deliverability failures, but the recipient must stop receiving mail all the same, so each is
 * reported like Sisimai does: action "failed", reason "feedback", no status code, and the feedback
 * type (abuse, fraud, virus, …) as the diagnostic.
 */
export function isFeedbackReport(view: MailView): boolean {
  return view.reportType === 'feedback-report' || view.feedbackReport !== undefined;
}

export function recipientsFromFeedback(view: MailView): BounceRecipient[] {
  const report = parseFields(view.feedbackReport ?? '');
  const original = parseFields(view.originalHeaders ?? '');
  const addresses = (report.get('original-rcpt-to') ?? [])
    .concat(report.has('original-rcpt-to') ? [] : (original.get('to') ?? []).flatMap((t) => t.split(',')))
    .map((a) => cleanAddress(typedValue(a)))
    .filter((a) => a.includes('@'));
  const type = (field(report, 'feedback-type') || 'abuse').toLowerCase();
  const reporter = field(report, 'reporting-mta');
  return [...new Set(addresses)].map((address) => ({
    address,
    action: 'failed',
    status: '',
    reason: 'feedback',
    diagnostic: `feedback-type: ${type}`,
    remoteMta: reporter ? cleanHost(reporter) : null,
  }));
}
