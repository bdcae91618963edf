import { classify, statusOrPseudo, statusFromText } from './classify.js';
import { cleanAddress, cleanDiagnostic, cleanHost, field, parseFieldGroups, typedValue, type FieldGroup } from './fields.js';
import type { BounceAction, BounceRecipient } from './types.js';

const ACTIONS = new Set<BounceAction>(['failed', 'delayed', 'delivered', 'relayed', 'expanded']);

/**
 * Reads the per-recipient groups of RFC 3464 message/delivery-status bodies. `explain` supplies a
 * diagnostic from the human-readable part for reports that leave Diagnostic-Code out.
 */
export function recipientsFromDeliveryStatus(
  bodies: string[],
  explain: (address: string) => string = () => '',
): BounceRecipient[] {
  const out: BounceRecipient[] = [];
  for (const body of bodies) {
    for (const group of parseFieldGroups(body).filter(isRecipientGroup)) {
      out.push(recipientFrom(group, explain));
    }
  }
  return out;
}

function isRecipientGroup(group: FieldGroup): boolean {
  return group.has('final-recipient') || group.has('original-recipient');
}

function recipientFrom(group: FieldGroup, explain: (a: string) => string): BounceRecipient {
  const address = cleanAddress(typedValue(field(group, 'final-recipient') || field(group, 'original-recipient')));
  const diagnostic = cleanDiagnostic(field(group, 'diagnostic-code')) || explain(address);
  const status = preciseStatus(normaliseStatus(field(group, 'status')), diagnostic);
  const action = actionOf(field(group, 'action'), status);
  const remote = field(group, 'remote-mta') || hostInDiagnostic(diagnostic);
  const reason = classify({ diagnostic, status, action });
  return {
    address,
    action,
    status: statusOrPseudo(status, reason, action),
    reason,
    diagnostic,
    // Reporting-MTA names the reporting host itself, never the remote one, so it is not a fallback
    remoteMta: remote ? cleanHost(remote) : null,
  };
}

/** "5.1.1 (user unknown)" and "5.1.1." occur in the wild; keep the code only. */
function normaliseStatus(value: string): string {
  return /([245]\.\d{1,3}\.\d{1,3})/.exec(value)?.[1] ?? '';
}

function actionOf(value: string, status: string): BounceAction {
  const v = value.toLowerCase().split(/[\s(;]/)[0] as BounceAction;
  if (ACTIONS.has(v)) return v;
  // some MTAs write "Action: failure" or omit the field: fall back on the status class
  if (status.startsWith('2')) return 'delivered';
  return status.startsWith('4') ? 'delayed' : 'failed';
}

/** Postfix writes "host mx.example.net[192.0.2.1] said: …" or "connect to mx…[…]" without Remote-MTA. */
function hostInDiagnostic(diagnostic: string): string {
  return /\b(?:host|connect to) ([a-z0-9.-]+\.[a-z]{2,})\s*\[/i.exec(diagnostic)?.[1] ?? '';
}

/**
 * A report's "Status: 5.0.0" says less than the "5.7.1" inside the remote reply it quotes (Courier
 * does this); the quoted code is used when it is of the same class.
 */
function preciseStatus(reported: string, diagnostic: string): string {
  const quoted = statusFromText(diagnostic);
  if (!reported) return quoted;
  if (/\.0\.0$/.test(reported) && quoted[0] === reported[0] && !/\.0\.0$/.test(quoted)) return quoted;
  return reported;
}
