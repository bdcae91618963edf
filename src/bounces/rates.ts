import type { Logger } from '../observability/logger.js';
import type { EventStore } from '../storage/ports/index.js';
import type { BounceRatesConfig } from './config.sections.js';

type Level = 'ok' | 'review' | 'restrict';
type Metric = 'bounce' | 'complaint';

export interface RateSample {
  recipients: number;
  hardBounces: number;
  complaints: number;
}

export interface RateDeps {
  events: EventStore;
  /** Restricts the account through the detection engine, so containment and the record follow. */
  restrict(account: string, reason: string): void;
  logger: Logger;
}

const SENT_CODES = ['queue:accepted', 'queue:held'];
/** `delivery:failed` is a refusal during delivery (a synchronous bounce): receivers count it the same. */
const BOUNCE_CODES = ['bounce:received', 'bounce:complaint', 'delivery:failed'];
const HARD = /^5\.\d{1,3}\.\d{1,3}$/;

/**
 * Per-account hard-bounce and complaint rates over a sliding window, counted from the event
 * record (accepted recipients, received bounces), so they survive a restart and agree across
 * nodes. The detection engine scores the bounce rate as one signal among others; this tracker
 * adds the fixed review and restriction levels that receivers apply (SES: 5 % / 10 % bounces,
 * 0.1 % / 0.5 % complaints), which hold whatever the other signals say.
 */
export class BounceRates {
  private readonly levels = new Map<string, Record<Metric, Level>>();

  constructor(
    private readonly cfg: BounceRatesConfig,
    private readonly deps: RateDeps,
  ) {}

  /** Reads the window ending at `at` and acts on a level the account has newly reached. */
  async check(account: string, at: string): Promise<RateSample & { levels: Record<Metric, Level> }> {
    const sample = await this.sample(account, at);
    const now = {
      bounce: this.level(sample.hardBounces, sample.recipients, this.cfg.minHardBounces, this.cfg.minRecipients, this.cfg.bounceReview, this.cfg.bounceRestrict),
      complaint: this.level(sample.complaints, sample.recipients, this.cfg.minComplaints, this.cfg.complaintMinRecipients, this.cfg.complaintReview, this.cfg.complaintRestrict),
    };
    const before = this.levels.get(account) ?? { bounce: 'ok', complaint: 'ok' };
    this.levels.set(account, now);
    for (const metric of ['bounce', 'complaint'] as const) {
      if (rank(now[metric]) > rank(before[metric])) await this.escalate(account, at, metric, now[metric], sample);
    }
    return { ...sample, levels: now };
  }

  async sample(account: string, at: string): Promise<RateSample> {
    const since = new Date(Date.parse(at) - this.cfg.windowHours * 3_600_000).toISOString();
    const out: RateSample = { recipients: 0, hardBounces: 0, complaints: 0 };
    let afterId = 0;
    for (;;) {
      const batch = await this.deps.events.query({ account, since, afterId, codes: [...SENT_CODES, ...BOUNCE_CODES], limit: 5000 });
      for (const e of batch) {
        const d = e.data as { rcpts?: unknown; status?: unknown };
        if (SENT_CODES.includes(e.code)) out.recipients += Array.isArray(d.rcpts) ? d.rcpts.length : 0;
        else if (e.code === 'bounce:complaint') out.complaints++;
        else if (typeof d.status === 'string' && HARD.test(d.status)) out.hardBounces++;
      }
      if (batch.length < 5000) return out;
      afterId = batch[batch.length - 1].id;
    }
  }

  private level(count: number, recipients: number, minCount: number, minRecipients: number, review: number, restrict: number): Level {
    if (recipients < minRecipients || count < minCount || recipients === 0) return 'ok';
    const rate = count / recipients;
    if (rate >= restrict) return 'restrict';
    return rate >= review ? 'review' : 'ok';
  }

  private async escalate(account: string, at: string, metric: Metric, level: Level, s: RateSample): Promise<void> {
    const count = metric === 'bounce' ? s.hardBounces : s.complaints;
    const threshold = metric === 'bounce' ? (level === 'restrict' ? this.cfg.bounceRestrict : this.cfg.bounceReview) : level === 'restrict' ? this.cfg.complaintRestrict : this.cfg.complaintReview;
    const reason = `${metric === 'bounce' ? 'hard-bounce' : 'complaint'} rate ${percent(count / s.recipients)} (${count} of ${s.recipients} recipients in ${this.cfg.windowHours} hours) reached ${percent(threshold)}`;
    const data = { metric, level, count, recipients: s.recipients, rate: count / s.recipients, threshold, windowHours: this.cfg.windowHours, reason };
    await this.deps.events.append({ ts: at, code: level === 'restrict' ? 'bounce:rate-restrict' : 'bounce:rate-review', account, data });
    this.deps.logger.warn({ account, ...data }, level === 'restrict' ? 'bounce rate: account restricted' : 'bounce rate: account under review');
    if (level === 'restrict') this.deps.restrict(account, reason);
  }
}

const rank = (l: Level): number => (l === 'ok' ? 0 : l === 'review' ? 1 : 2);
const percent = (x: number): string => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
