import type { Store } from '../storage/ports/index.js';
import type { Notifier } from './notify/notifier.js';

/**
 * Campaign allowances: an administrator tells the gateway ahead of time that a person is about to
 * mail many people on purpose (a sales push, a greeting to every contact, invoices to a partly
 * new customer list), so that it is not contained like the hijacked client it resembles. Each is
 * an `account:campaign` event (`until`, `reason`, `by`), which every node's engine follows and a
 * restart replays; an allowance whose `until` is already past ends the one before it. The engine
 * then judges the account's mail as a declared bulk sender's, within the account's own limits,
 * with every signal of where it comes from intact (see `DetectionEngine.allowCampaign`).
 */
export const CAMPAIGN_CODE = 'account:campaign';

/** The longest allowance, in hours: a campaign is days at most; a standing list sender is declared in the configuration. */
export const CAMPAIGN_MAX_HOURS = 72;

/**
 * Records an allowance of `hours` from now (0: the end of the running one) as the event every
 * node follows, and tells the administrators through `notifier`; answers its end, and the webhook
 * calls still running. The CLI and the API both go through here.
 */
export async function recordCampaign(store: Store, account: string, hours: number, reason: string, by: string, notifier?: Notifier): Promise<{ until: string; webhooks: Promise<void> }> {
  const now = Date.now();
  const ts = new Date(now).toISOString();
  const until = new Date(now + hours * 3_600_000).toISOString();
  await store.events.append({ ts, code: CAMPAIGN_CODE, account, data: { until, hours, reason, by } });
  // Every administrator hears of it (mail, webhooks), whoever gave it.
  const told = notifier ? await notifier.campaign({ account, ts, until, hours, reason, by }) : { webhooks: Promise.resolve() };
  return { until, webhooks: told.webhooks };
}

/** The end (ms since the epoch) an `account:campaign` event gives, or NaN. */
export function campaignUntil(data: Record<string, unknown>): number {
  return typeof data.until === 'string' ? Date.parse(data.until) : NaN;
}

export interface Campaign {
  until: string;
  reason: string;
  by: string;
}

/** The allowance running for an account at `now`, or null. */
export async function currentCampaign(store: Store, account: string, now = Date.now()): Promise<Campaign | null> {
  const [last] = await store.events.query({ account, codes: [CAMPAIGN_CODE], newestFirst: true, limit: 1 });
  if (!last || !(campaignUntil(last.data) > now)) return null;
  return { until: String(last.data.until), reason: String(last.data.reason ?? ''), by: String(last.data.by ?? '') };
}

/**
 * Every allowance running at `now`, newest first (the dashboard's oversight of them). An allowance
 * runs at most CAMPAIGN_MAX_HOURS, so only events since then can hold one.
 */
export async function runningCampaigns(store: Store, now = Date.now()): Promise<(Campaign & { account: string })[]> {
  const since = new Date(now - CAMPAIGN_MAX_HOURS * 3_600_000).toISOString();
  const events = await store.events.query({ codes: [CAMPAIGN_CODE], since, newestFirst: true, limit: 10_000 });
  const seen = new Set<string>();
  const out: (Campaign & { account: string })[] = [];
  for (const e of events) {
    if (!e.account || seen.has(e.account)) continue;
    seen.add(e.account);
    if (campaignUntil(e.data) > now) out.push({ account: e.account, until: String(e.data.until), reason: String(e.data.reason ?? ''), by: String(e.data.by ?? '') });
  }
  return out;
}
