import { queueId } from '../core/ids.js';
import { checkCredentials, type AppPasswordVerifier, type CredentialOptions } from '../auth/credentials.js';
import { GatewayError } from '../errors/catalogue.js';
import type { Location } from '../auth/logins.js';
import type { AuthEvent, SubmitEvent, Verdict } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import { senderReason } from '../policy/identity.js';
import type { AuthOutcome, SenderRefusal, Submission, SubmissionPorts } from '../smtp/types.js';
import type { Store } from '../storage/ports/index.js';

/** The policy as the pipeline sees it: one verdict per submission, with its reasons. */
export interface PolicyPort {
  observeAuth(event: AuthEvent): void;
  decide(event: SubmitEvent): { verdict: Verdict; score: number; reasons: string[] };
  /** A submission refused for its sender in the SMTP session (see `src/policy/identity.ts`). */
  senderRefused?(account: string, at: string, reason: string): void;
}

/** The brute-force guard as the pipeline sees it; consulted before any hash is computed. */
export interface GuardPort {
  before(req: { ip: string; account: string; password: string }): Promise<GatewayError | null>;
  /** Returns a more precise refusal for a failed attempt (a device repeating a stale password). */
  after(req: { ip: string; account: string; password: string; ok: boolean }): GatewayError | null;
}

export interface PipelineDeps {
  store: Store;
  logger: Logger;
  policy: PolicyPort;
  guard: GuardPort;
  appPasswords: AppPasswordVerifier;
  /** Credential cache and argon2 counter (src/auth/credential-cache.ts). */
  credentials?: CredentialOptions;
  /** Country and network of each client, and login anomalies (src/auth/logins.ts). */
  logins?: { locate(ip: string): Location; observe(event: AuthEvent): void };
  lifetimeHours: number;
  /** RCPT TO check (the suppression list); none when absent. */
  checkRecipient?: (address: string) => Promise<GatewayError | null>;
}

/**
 * The gateway's pipeline behind the SMTP sessions: credentials, then for each message the
 * policy verdict and the durable commit, with an event for each step.
 */
export class Pipeline implements SubmissionPorts {
  constructor(private readonly deps: PipelineDeps) {}

  async authenticate(req: { username: string; password: string; ip: string; mechanism: string; sessionId: string }): Promise<AuthOutcome> {
    const account = req.username.trim().toLowerCase();
    const refused = await this.deps.guard.before({ ip: req.ip, account, password: req.password });
    if (refused) {
      this.record('smtp:auth-throttled', account, { ip: req.ip, mechanism: req.mechanism, code: refused.code });
      return { ok: false, error: refused };
    }
    const result = await checkCredentials(this.deps.store, req, this.deps.appPasswords, this.deps.credentials);
    const precise = this.deps.guard.after({ ip: req.ip, account, password: req.password, ok: result.ok });
    if (!result.ok && precise) result.error = precise;
    Object.assign(result.event, this.deps.logins?.locate(req.ip));
    this.deps.policy.observeAuth(result.event);
    if (result.ok) this.deps.logins?.observe(result.event);
    // A device repeating one stale password is marked, so that no node counts it towards a ban.
    const stale = precise?.code === 'AUTH_STALE_PASSWORD' ? { stale: true } : {};
    this.record(result.ok ? 'smtp:auth-ok' : 'smtp:auth-failed', account, { ...result.event, sessionId: req.sessionId, ...stale });
    if (result.ok && result.appPasswordId) {
      await this.deps.store.accounts.touchAppPassword(result.appPasswordId, result.event.ts, req.ip);
    }
    const { event: _event, ...outcome } = result;
    return outcome;
  }

  currentAccount(address: string) {
    return this.deps.store.accounts.get(address);
  }

  async checkRecipient(address: string): Promise<GatewayError | null> {
    return this.deps.checkRecipient ? this.deps.checkRecipient(address) : null;
  }

  async submit(s: Submission): Promise<{ queueId: string; held: boolean }> {
    const event = { ...toSubmitEvent(s), ...this.deps.logins?.locate(s.ip) };
    const decision = this.deps.policy.decide(event);
    const id = queueId(s.receivedAt.getTime());
    const data = { ...event, queueId: id, verdict: decision.verdict, score: decision.score, reasons: decision.reasons };
    if (decision.verdict === 'reject' || decision.verdict === 'defer') {
      this.record('policy:refused', s.account, data);
      throw new GatewayError(decision.verdict === 'reject' ? 'ACCOUNT_RESTRICTED' : 'RATE_LIMITED');
    }
    const held = decision.verdict === 'hold';
    const expiresAt = new Date(s.receivedAt.getTime() + this.deps.lifetimeHours * 3_600_000).toISOString();
    const committed = this.deps.store.queue.enqueue({
      id,
      account: s.account,
      mailFrom: s.mailFrom,
      messageId: s.messageId,
      rcpts: s.rcpts,
      raw: s.raw,
      state: held ? 'held' : 'queued',
      reason: held ? decision.reasons.join('; ') : null,
      createdAt: s.receivedAt.toISOString(),
      expiresAt,
    });
    const recorded = this.deps.store.events.append({ ts: event.ts, code: held ? 'queue:held' : 'queue:accepted', account: s.account, data }).then(
      () => null,
      (err: unknown) => err,
    );
    // The queue decides the answer: a message it holds is answered 250 (and will be delivered,
    // bounced or held), one it could not store is refused for the client to retry (a full disk:
    // 452 4.3.1). A lost record of it is logged, never a reason to have the client send it twice.
    await committed;
    const unrecorded = await recorded;
    if (unrecorded) this.deps.logger.error({ err: unrecorded, queueId: id, account: s.account }, 'message queued, but its event could not be recorded');
    this.deps.logger.info({ queueId: id, account: s.account, rcpts: s.rcpts.length, size: s.raw.length, verdict: decision.verdict }, 'message accepted');
    return { queueId: id, held };
  }

  /**
   * A sender the account may not use, refused in the SMTP session: recorded (the engine's input,
   * replayed when a restarted gateway warms its engine) and told to the policy.
   */
  senderRefused(r: SenderRefusal): void {
    const ts = new Date().toISOString();
    this.record('policy:sender-refused', r.account, { type: 'sender-refused', ts, account: r.account, ip: r.ip, field: r.field, address: r.address, sessionId: r.sessionId }, ts);
    this.deps.policy.senderRefused?.(r.account, ts, senderReason(r.address, r.field));
  }

  private record(code: string, account: string | null, data: Record<string, unknown>, ts = new Date().toISOString()): void {
    this.deps.store.events.append({ ts, code, account, data }).catch((err) => {
      // An event that cannot be written is logged; it never fails the session it describes.
      this.deps.logger.error({ err, code }, 'event could not be recorded');
    });
  }
}

export function toSubmitEvent(s: Submission): SubmitEvent {
  return {
    ts: s.receivedAt.toISOString(),
    type: 'submit',
    account: s.account,
    ip: s.ip,
    messageId: s.messageId,
    mailFrom: s.mailFrom,
    headerFrom: s.headerFrom,
    rcpts: s.rcpts,
    size: s.raw.length,
    subject: s.subject,
    bodyHash: s.bodyHash,
    client: s.client,
    sessionId: s.sessionId,
  };
}
