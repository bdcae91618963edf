import type {
  AccountState,
  AuthEvent,
  BounceEvent,
  CredentialEvent,
  ReplayEvent,
  StateChange,
  SubmitDecision,
  SubmitEvent,
} from '../events/replay.js';
import { AccountRecord } from './account.js';
import type { DetectionConfig } from './config.js';
import { blameYoung, networkOf } from './footing.js';
import { senderRefusal } from './identity.js';
import { OrgMemory, type PlaceFinding } from './org.js';
import { startProbation } from './probation.js';
import { bouncePoints, bounceReason, isHardBounce } from './signals/bounce.rate.js';
import { locate, offFooting } from './signals/submit.origin.js';
import { addRisk, change, NO_CHANGES } from './states.js';
import { decideSubmit } from './submit.js';
import { parseTimestamp } from './timestamp.js';

export { overLimitReply, restrictedReply, heldReply, replyFor, replyLines, type VerdictReply } from './replies.js';

/** The reason of an administrator's restriction or release, as the engine and the event record keep it. */
export const byAdministrator = (action: 'restricted' | 'released', reason: string): string => `${action} by administrator: ${reason}`;

export interface EngineOutput {
  decision?: SubmitDecision;
  changes: StateChange[];
}

/**
 * The outbound abuse detection engine: a pure function of the event stream. It does no I/O and
 * reads time only from event timestamps, so the live gateway and `mailwarden replay` reach the
 * same verdicts on the same events.
 */
export class DetectionEngine {
  private readonly cfg: DetectionConfig;
  private readonly org: OrgMemory;
  private readonly accounts = new Map<string, AccountRecord>();
  /**
   * Aliases by account (lower case), when the engine checks senders itself (replay); null in the
   * gateway, whose SMTP session refuses a foreign sender before the engine sees the message.
   */
  private readonly aliases: Map<string, string[]> | null;
  /** How much each account and the organisation remember (`memory`, or the configuration's). */
  private readonly memory: DetectionConfig['memory'];
  /** When accounts the engine has not met yet were created (`knownSince`), by account. */
  private readonly bornHints = new Map<string, number>();

  /**
   * A complete configuration: parsed by `detectionConfigSchema` (which fills every default) or
   * `detectionDefaults()`. The engine does not load the schema library itself, so that a
   * replay without a configuration file starts without it. `checkSenders` (replay) makes the
   * engine refuse a submission whose sender is not the account's address or one of the aliases
   * the configuration gives it, as the gateway's SMTP session does (see `src/policy/identity.ts`).
   * `memory` replaces the configuration's capacities without a configuration of another shape
   * (replay's warm-up, which must reach every capacity within a few hundred events).
   */
  constructor(config: DetectionConfig, options: { checkSenders?: boolean; memory?: DetectionConfig['memory'] } = {}) {
    this.cfg = config;
    this.memory = options.memory ?? config.memory;
    this.org = new OrgMemory(this.cfg, this.memory);
    this.aliases = options.checkSenders === true ? aliasesOf(config) : null;
  }

  /** `ts` is the event's time in milliseconds, for callers that have already read it. */
  process(event: ReplayEvent, ts = parseTimestamp(event.ts)): EngineOutput {
    switch (event.type) {
      case 'submit':
        if (this.aliases !== null) {
          const why = senderRefusal(event, this.aliases.get(event.account.toLowerCase()) ?? NO_ALIASES);
          if (why !== null) return this.refuseSender(event, why, ts);
        }
        return decideSubmit(event, ts, this.account(event.account), this.org, this.cfg);
      case 'auth':
        return { changes: this.onAuth(event, ts) };
      case 'bounce':
        return { changes: this.onBounce(event, ts) };
      case 'credential':
        return { changes: this.onCredential(event, ts) };
      default:
        return { changes: NO_CHANGES };
    }
  }

  /**
   * A submission refused before it reached the engine (by the cluster-wide limits): scored and
   * counted as an attempt like any other, so that pace and risk see everything the account
   * tried, but deferred whatever the score, so it teaches the account nothing. The decision's
   * first reason is `reason`.
   */
  refused(event: SubmitEvent, reason: string, ts = parseTimestamp(event.ts)): EngineOutput {
    return decideSubmit(event, ts, this.account(event.account), this.org, this.cfg, reason);
  }

  /**
   * A submission that was held for review where it was decided (a node's record, read when
   * warming or learning from another node): judged and counted like any attempt, its score moving
   * the account's risk, but never accepted, so that it teaches nothing: it was not sent, whatever
   * this engine would say of it now.
   */
  held(event: SubmitEvent, ts = parseTimestamp(event.ts)): EngineOutput {
    return decideSubmit(event, ts, this.account(event.account), this.org, this.cfg, undefined, true);
  }

  /**
   * A submission refused for its sender (see `src/policy/identity.ts`): the gateway refused it in
   * the SMTP session, or replay refuses it here. Nothing was sent and nothing is learnt; the
   * attempt adds `scoring.senderRefusedRisk` to the account's risk, so that a run of attempts to
   * send as someone else restricts the account.
   */
  senderRefused(account: string, at: string, reason: string, ts = parseTimestamp(at)): StateChange[] {
    const a = this.account(account);
    if (a.state === 'restricted') return NO_CHANGES;
    return addRisk(a, ts, at, this.cfg.scoring.senderRefusedRisk, [reason], this.cfg.scoring);
  }

  private refuseSender(ev: SubmitEvent, reason: string, ts: number): EngineOutput {
    const restricted = this.stateOf(ev.account) === 'restricted';
    const changes = this.senderRefused(ev.account, ev.ts, reason, ts);
    const reasons = restricted ? ['account restricted', reason] : [reason];
    return { decision: { ts: ev.ts, account: ev.account, messageId: ev.messageId, verdict: 'reject', score: this.cfg.scoring.senderRefusedRisk, reasons }, changes };
  }

  /**
   * The finding of many accounts mailing strangers from one new place that the last submission
   * added to (see `PlaceFinding`), once: the live gateway alerts the administrators with it.
   */
  takePlaceFinding(): PlaceFinding | null {
    const f = this.org.placeFinding;
    this.org.placeFinding = null;
    return f;
  }

  stateOf(account: string): AccountState {
    return this.accounts.get(account)?.state ?? 'active';
  }

  /** Risk and probation of an account, for the console and tests. */
  inspect(account: string, ts: string): { state: AccountState; risk: number; probation: string | null } {
    const a = this.accounts.get(account);
    if (!a) return { state: 'active', risk: 0, probation: null };
    const risk = Math.round(a.riskAt(Date.parse(ts), this.cfg.scoring.riskHalfLifeMinutes));
    return { state: a.state, risk, probation: a.probation ? a.probation.reason : null };
  }

  /**
   * Administrator release: an administrator has looked at the account (and reset its password if
   * it was abused), so suspicion, probation and the login failures that led here are cleared.
   */
  release(account: string, ts: string, reason: string): StateChange[] {
    const a = this.account(account);
    a.clearRisk(Date.parse(ts));
    a.probation = null;
    a.forgetRecentAttempts();
    if (a.state === 'active') return [];
    return [change(a, ts, 'active', [reason])];
  }

  /**
   * An administrator's campaign allowance (a sales push, a greeting to every contact, invoices to
   * a half-new customer list, sent by a person): until `until` (ms since the epoch), the account's
   * mail is judged as a declared bulk sender's, its content signals damped, but where it comes
   * from, its own limits and probation count as ever, so a stolen password used from elsewhere is
   * still stopped. Its profile learns nothing meanwhile. An `until` already past ends it.
   */
  allowCampaign(account: string, until: number): void {
    this.account(account).campaignUntil = until;
  }

  /**
   * A restriction decided outside the engine's own scoring: an administrator (reason made with
   * `byAdministrator`), the bounce-rate check, another node, the stored state at start. The
   * reason is recorded as given, so each says who decided.
   */
  restrict(account: string, ts: string, reason: string): StateChange[] {
    const a = this.account(account);
    if (a.state === 'restricted') return [];
    return [change(a, ts, 'restricted', [reason])];
  }

  /**
   * The account has existed since `ms` (its creation, from the gateway's store): the engine's own
   * memory starts with the events of its warm-up window, and would take a mailbox that neither
   * logged in nor sent within it for a new member of staff, for a week (see `scoreFooting`), after
   * every restart. The earlier of the two times counts. Replay has no store and never calls it.
   */
  knownSince(account: string, ms: number): void {
    if (!Number.isFinite(ms)) return;
    const a = this.accounts.get(account);
    if (a === undefined) this.bornHints.set(account, ms);
    else if (Number.isNaN(a.born) || ms < a.born) a.born = ms;
  }

  private account(name: string): AccountRecord {
    let a = this.accounts.get(name);
    if (!a) {
      a = new AccountRecord(name, this.accounts.size, this.cfg, this.org, this.memory);
      this.accounts.set(name, a);
      if (this.bornHints.size > 0) {
        const hint = this.bornHints.get(name);
        if (hint !== undefined) {
          a.born = hint;
          this.bornHints.delete(name);
        }
      }
    }
    return a;
  }

  /**
   * Failed logins are remembered (per account and per source IP) but never change an account's
   * state by themselves: otherwise anyone could lock a colleague out by mistyping their password.
   */
  private onAuth(ev: AuthEvent, ts: number): StateChange[] {
    if (!ev.ok) {
      this.org.recordFailedLogin(ev.ip, ev.account, ts);
      this.accounts.get(ev.account)?.failedLogins.add(ts);
      return NO_CHANGES;
    }
    const a = this.account(ev.account);
    if (!(a.born <= ts)) a.born = ts;
    const origin = locate(a, this.org, ev.ip, networkOf(ev.ip, ev.asn, this.cfg.network), ev.country);
    this.org.forgiveFailedLogin(ev.ip, ev.account);
    const why = offFooting(a, this.org, origin, ts, this.cfg);
    const spray = this.org.sprayBreadth(ev.ip, ts);
    if (spray >= this.cfg.login.sprayAccounts)
      startProbation(a, ts, `login from IP ${ev.ip} that failed logins for ${spray} accounts`, this.cfg.probation);
    else if (why) startProbation(a, ts, `login from ${why}`, this.cfg.probation);
    // The login's place is judged, not remembered: only accepted mail makes a place familiar
    // (see rememberOrigin), or logins on a few days would make an attacker's network "home".
    return NO_CHANGES;
  }

  /** Hard bounces of accepted mail raise the account's risk once the rate is trusted. */
  private onBounce(ev: BounceEvent, ts: number): StateChange[] {
    const a = this.accounts.get(ev.account);
    if (a === undefined || this.org.accepted.get(ev.messageId) !== a.id || !isHardBounce(ev)) return NO_CHANGES;
    a.hardDay.add(ts);
    const young = this.org.sentYoung.get(ev.messageId);
    if (young > 0) blameYoung(a.networks, a.countries, young, ts, this.cfg.network);
    const points = bouncePoints(a, ts, this.cfg.bounces);
    if (points < 20) return NO_CHANGES;
    return addRisk(a, ts, ev.ts, points / 4, [bounceReason(a, ts, this.cfg.bounces)], this.cfg.scoring);
  }

  private onCredential(ev: CredentialEvent, ts: number): StateChange[] {
    // Whoever changed it may send from the usual desk too: the budget holds everywhere.
    startProbation(this.account(ev.account), ts, `${ev.kind} changed`, this.cfg.probation, true);
    return NO_CHANGES;
  }
}

const NO_ALIASES: readonly string[] = Object.freeze([]);

function aliasesOf(config: DetectionConfig): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [account, settings] of Object.entries(config.accounts)) {
    if (settings.aliases.length > 0) map.set(account.toLowerCase(), settings.aliases.map((x) => x.trim().toLowerCase()));
  }
  return map;
}
