import type { StateChange } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../storage/ports/index.js';

/** What containment can reach in the running gateway (the live sessions, the alerting). */
export interface ContainmentTargets {
  closeSessionsOf(account: string): number;
  alert?(change: StateChange, evidence: { held: string[]; sessionsClosed: number; appPasswordsRevoked: number }): Promise<void>;
  /** Records the change in the tamper-evident audit log (who: the detection engine; why: its reasons). */
  audit?(entry: { action: string; target: string; reason: string; data: Record<string, unknown> }): Promise<unknown>;
}

/**
 * Applies an account state change decided by the detection engine. Restriction, within a
 * second of the decision: the state is stored (new submissions refused on every node), queued
 * mail is moved to quarantine, live sessions are cut, app passwords revoked and a password
 * change required. In shadow mode the engine never restricts, so nothing here runs.
 */
export class Containment {
  constructor(
    private readonly store: Store,
    private readonly targets: ContainmentTargets,
    private readonly logger: Logger,
  ) {}

  async apply(change: StateChange): Promise<void> {
    const account = change.account;
    const existing = await this.store.accounts.get(account);
    if (change.state !== 'restricted') {
      if (existing) await this.store.accounts.update(account, { state: change.state });
      await this.record(change.ts, `incident:${change.state}`, account, { reasons: change.reasons });
      await this.audited(`account.${change.state}`, account, change.reasons, {});
      await this.targets.alert?.(change, { held: [], sessionsClosed: 0, appPasswordsRevoked: 0 }).catch((err) => this.logger.error({ err, account }, 'alert failed'));
      return;
    }
    if (existing) await this.store.accounts.update(account, { state: 'restricted', mustChangePassword: true });
    const sessionsClosed = this.targets.closeSessionsOf(account);
    const held = await this.store.queue.holdAccount(account, `account restricted: ${change.reasons.join('; ')}`);
    const appPasswordsRevoked = existing ? await this.store.accounts.revokeAppPasswords(account) : 0;
    const evidence = { held, sessionsClosed, appPasswordsRevoked };
    await this.record(change.ts, 'incident:restricted', account, { reasons: change.reasons, ...evidence, heldCount: held.length });
    await this.audited('account.restrict', account, change.reasons, { ...evidence });
    this.logger.warn({ account, reasons: change.reasons, held: held.length, sessionsClosed }, 'account restricted');
    if (this.targets.alert) {
      await this.targets.alert(change, evidence).catch((err) => this.logger.error({ err, account }, 'alert failed'));
    }
  }

  /** An audit failure is logged, never allowed to undo or block the containment itself. */
  private async audited(action: string, target: string, reasons: string[], data: Record<string, unknown>): Promise<void> {
    await this.targets.audit?.({ action, target, reason: reasons.join('; '), data }).catch((err) => this.logger.error({ err, account: target }, 'audit entry lost'));
  }

  private record(ts: string, code: string, account: string, data: Record<string, unknown>): Promise<void> {
    return this.store.events.append({ ts, code, account, data });
  }
}
