import { header, type MailView } from './types.js';

/**
 * Vacation and out-of-office replies reach the bounce address too (they answer the envelope sender).
 * They say nothing about deliverability and must never count as bounces.
 * Signals: RFC 3834 Auto-Submitted, the de-facto X-Autoreply / X-Autorespond headers, Precedence,
 * and the subjects that Exchange, Gmail and Japanese mail systems put on them.
 */
const AUTO_SUBJECT =
  /^(auto(matic)? ?(reply|response|antwort)|autoreply|out of (the )?office|on vacation|vacation reply|away from (the )?office|abwesenheitsnotiz|r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica|自動(応答|返信|返答)|不在(通知|のお知らせ|です|中)?|【?不在】?)|(out of (the )?office|自動応答|自動返信|不在通知)/i;

export function isAutoReply(view: MailView): boolean {
  const auto = header(view, 'auto-submitted').toLowerCase();
  if (auto.startsWith('auto-replied')) return true;
  if (view.headers.has('x-autoreply') || view.headers.has('x-autorespond') || view.headers.has('x-autoresponse')) return true;
  const precedence = header(view, 'precedence').toLowerCase();
  if (precedence === 'auto_reply' || precedence === 'auto-reply') return true;
  return AUTO_SUBJECT.test(view.subject.trim());
}
