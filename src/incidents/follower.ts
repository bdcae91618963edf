import type { CredentialEvent } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import { RecordFollower } from '../storage/event-cursor.js';
import type { Store, StoredEvent } from '../storage/ports/index.js';
import { byAdministrator } from '../policy/engine.js';
import type { LivePolicy } from './live-policy.js';
import { CAMPAIGN_CODE, campaignUntil } from './campaign.js';

const CODES = ['account:restricted', 'account:released', 'incident:restricted', 'account:password-changed', 'account:app-password-created', CAMPAIGN_CODE];
/** Credential changes start a probation budget in the engine (a new footing). */
const CREDENTIAL_CODES = new Set(['account:password-changed', 'account:app-password-created']);

/**
 * Decisions made elsewhere (the CLI, the console, another gateway node), campaign allowances
 * included, reach this node through the event record: polled every `intervalMs`, so a restriction
 * holds everywhere within a second and this node's live sessions of the account are cut too. The
 * cursor re-reads a short window, so an event another node committed out of id order is not
 * skipped.
 */
export class DecisionFollower {
  private readonly follower: RecordFollower;

  constructor(
    store: Store,
    private readonly policy: LivePolicy,
    private readonly closeSessionsOf: (account: string) => number,
    logger: Logger,
    intervalMs = 500,
    /** Told of each release followed (the cluster forgets the account's last claimed change). */
    private readonly onRelease: (account: string) => Promise<void> = async () => undefined,
  ) {
    // Fail open for this node's view only: the stored account state still refuses a restricted account.
    const failed = (err: unknown) => logger.error({ err }, 'could not read decisions from the event record');
    this.follower = new RecordFollower((q) => store.events.query(q), CODES, (e) => this.apply(e), failed, intervalMs);
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  stop(): void {
    this.follower.stop();
  }

  async poll(): Promise<void> {
    await this.follower.poll();
  }

  private async apply(e: StoredEvent): Promise<void> {
    if (!e.account) return;
    if (CREDENTIAL_CODES.has(e.code)) {
      if ((e.data as { type?: string }).type === 'credential') this.policy.observe(e.data as unknown as CredentialEvent);
      return;
    }
    if (e.code === CAMPAIGN_CODE) {
      this.policy.allowCampaign(e.account, campaignUntil(e.data));
      return;
    }
    const data = e.data as { reason?: string; reasons?: string[] };
    const reason = String(data.reason ?? '');
    if (e.code === 'account:released') {
      await this.onRelease(e.account);
      this.policy.engine.release(e.account, e.ts, byAdministrator('released', reason));
    } else {
      // an administrator's restriction, or another node's engine (its own reasons)
      const why = e.code === 'account:restricted' ? byAdministrator('restricted', reason) : (data.reasons?.[0] ?? 'restricted on another node');
      this.policy.engine.restrict(e.account, e.ts, why);
      this.closeSessionsOf(e.account);
    }
  }
}
