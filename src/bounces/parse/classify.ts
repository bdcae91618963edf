import { REASON_RULES, STATUS_REASONS, CLASS_REASONS, REASON_STATUS } from '../rules/index.js';
import type { BounceAction } from './types.js';

/**
 * Decides a recipient's reason the way Sisimai does: the remote server's own words first (they are
 * more precise than the code it chose), then the enhanced status code, then the action.
 */
export function classify(input: { diagnostic: string; status: string; action: BounceAction }): string {
  if (input.action === 'delivered' || input.action === 'relayed' || input.action === 'expanded') return 'delivered';
  return (
    reasonFromText(input.diagnostic) ??
    reasonFromStatus(input.status) ??
    (input.action === 'delayed' ? 'expired' : undefined) ??
    (input.diagnostic ? 'onhold' : 'undefined')
  );
}

export function reasonFromText(diagnostic: string): string | undefined {
  if (!diagnostic) return undefined;
  const text = diagnostic.replace(/\s+/g, ' ');
  return REASON_RULES.find((rule) => rule.pattern.test(text))?.reason;
}

export function reasonFromStatus(status: string): string | undefined {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status);
  if (!m) return undefined;
  const specific = STATUS_REASONS[`${m[2]}.${m[3]}`];
  if (m[1] === '2') return 'delivered';
  // x.0.0 says nothing beyond the class
  if (specific && specific !== 'undefined') return specific;
  return CLASS_REASONS[m[1]];
}

const ENHANCED = /(?:^|[^\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;
const BASIC = /(?:^|[^\d.#])([245])\d\d(?=[ -]|$)/;

/**
 * The enhanced status code written inside a reply ("550 5.1.1 …", "#5.1.1", "(#5.1.1)"), or a bare
 * class derived from the basic reply code ("550 …" -> "5.0.0"), or "" when the text has neither.
 */
export function statusFromText(text: string): string {
  const m = ENHANCED.exec(text);
  if (m) return `${m[1]}.${m[2]}.${m[3]}`;
  const basic = BASIC.exec(text);
  return basic ? `${basic[1]}.0.0` : '';
}

/** The conventional status for a reason, for notices that quote no code; "" when there is none. */
export function statusOrPseudo(status: string, reason: string, action: BounceAction): string {
  // "5.0.0" (or a class derived from a bare "550") carries no more than the action does
  if (status && !/^\d\.0\.0$/.test(status)) return status;
  return pseudoStatus(reason, action) || status;
}

export function pseudoStatus(reason: string, action: BounceAction): string {
  const code = REASON_STATUS[reason];
  if (!code || (action !== 'failed' && action !== 'delayed')) return '';
  return `${action === 'delayed' ? '4' : '5'}.${code}`;
}
