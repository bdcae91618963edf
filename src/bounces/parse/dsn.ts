import { classify, statusFromText } from './classify.js';
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
  const status = normaliseStatus(field(group, 'status')) || statusFromText(diagnostic);
  const action = actionOf(field(group, 'action'), status);
  const remote = field(group, 'remote-mta') || hostInDiagnostic(diagnostic);
  return {
    address,
    action,
    status,
    reason: classify({ diagnostic, status, action }),
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

/** Postfix writes "host mx.example.net[192.0.2.1] said: …" when Remote-MTA is missing. */
function hostInDiagnostic(diagnostic: string): string {
  return /\bhost ([a-z0-9.-]+\.[a-z]{2,})\s*\[/i.exec(diagnostic)?.[1] ?? '';
}
