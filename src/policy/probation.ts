import type { AccountRecord, Probation } from './account.js';
import type { DetectionConfig } from './config.js';
import { M_NOVEL, M_RECIPIENTS } from './profile.js';
import { RollingCounter } from './window.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type ProbationConfig = DetectionConfig['probation'];

/**
 * Probation: after a login from a new network or country, or a credential change, the account
 * sends under a small budget until its mail looks like its history again. The budget is what keeps
 * a blast from reaching volume in the seconds before the score has enough evidence; a traveller
 * writing to the usual people never reaches it.
 */
export function startProbation(a: AccountRecord, ts: number, reason: string, cfg: ProbationConfig, anywhere = false): boolean {
  if (!cfg.enabled) return false;
  if (a.probation) {
    a.probation.ordinary = 0;
    // A credential change during a probation a new place started widens it to everywhere.
    if (anywhere) a.probation.anywhere = true;
    return false;
  }
  a.probation = {
    since: ts,
    reason,
    messages: new RollingCounter(HOUR, 12),
    recipients: new RollingCounter(HOUR, 12),
    novel: new RollingCounter(HOUR, 12),
    ordinary: 0,
    anywhere,
  };
  return true;
}

/** Ends a probation that has outlived `maxHours` (called before each decision). */
export function expireProbation(a: AccountRecord, ts: number, cfg: ProbationConfig): void {
  if (a.probation && ts - a.probation.since >= cfg.maxHours * HOUR) a.probation = null;
}

/**
 * The budget line this submission would cross, as a reason, or null. Only external recipients
 * count: the budget protects the outside world and the domain's reputation. The budget is never
 * below what the account's own profile says it does in this hour, so that a traveller keeps their
 * usual pace and a young account (whose recipients are all new) is not starved.
 */
export function overProbationBudget(a: AccountRecord, ts: number, rcpts: number, novel: number, all: DetectionConfig): string | null {
  const p = a.probation;
  if (!p) return null;
  const pr = all.profile;
  const cfg = all.probation;
  // The profile is asked in the same order as before a budget line is checked (it rolls its hour).
  const recipientsPerHour = Math.max(cfg.recipientsPerHour, Math.round(a.profile.expected(ts, M_RECIPIENTS, pr.floorRecipientsPerHour)));
  const novelRecipientsPerHour = Math.max(cfg.novelRecipientsPerHour, Math.round(a.profile.expected(ts, M_NOVEL, pr.floorNovelPerHour)));
  // The reason is built only for the line crossed (most messages on probation cross none).
  if (rcpts > cfg.recipientsPerMessage) return `${probationWhy(p)}: ${rcpts} external recipients in one message (budget ${cfg.recipientsPerMessage})`;
  if (p.messages.sum(ts) + 1 > cfg.messagesPerHour) return `${probationWhy(p)}: more than ${cfg.messagesPerHour} messages in an hour`;
  if (p.recipients.sum(ts) + rcpts > recipientsPerHour) return `${probationWhy(p)}: more than ${recipientsPerHour} external recipients in an hour`;
  if (novel > 0 && p.novel.sum(ts) + novel > novelRecipientsPerHour)
    return `${probationWhy(p)}: more than ${novelRecipientsPerHour} new recipients in an hour`;
  return null;
}

/** How a probation reason begins: since when, and why. */
export function probationWhy(p: Probation): string {
  return `probation since ${new Date(p.since).toISOString()} (${p.reason})`;
}

/** Mail that looks like the account's own: a low content score, at most half new recipients. */
export function isOrdinary(contentScore: number, novel: number, external: number, ordinaryScore: number): boolean {
  return contentScore < ordinaryScore && novel * 2 <= Math.max(1, external);
}

/**
 * Counts an accepted message against the budget (unless `budgeted` is false: mail the budget left
 * alone, from the account's home ground) and lets an account that behaves like itself out: enough
 * ordinary messages (mostly known recipients, low score) after a minimum time.
 */
export function progressProbation(
  a: AccountRecord,
  ts: number,
  sent: { rcpts: number; novel: number; external: number; score: number },
  ordinaryScore: number,
  cfg: ProbationConfig,
  budgeted = true,
): boolean {
  const p = a.probation;
  if (!p) return false;
  if (budgeted) {
    p.messages.add(ts);
    p.recipients.add(ts, sent.rcpts);
    p.novel.add(ts, sent.novel);
  }
  const ordinary = isOrdinary(sent.score, sent.novel, sent.external, ordinaryScore);
  // One new contact does not undo a good run; only clearly unusual mail starts the count again.
  if (ordinary) p.ordinary++;
  else if (sent.score >= ordinaryScore * 2) p.ordinary = 0;
  if (p.ordinary >= cfg.exitMessages && ts - p.since >= cfg.exitMinutes * MINUTE) {
    a.probation = null;
    return true;
  }
  return false;
}
