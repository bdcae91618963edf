import { randomUUID } from 'node:crypto';
import type { Lang } from '../../core/i18n.js';
import { queueId } from '../../core/ids.js';
import type { StateChange } from '../../events/replay.js';
import type { Logger } from '../../observability/logger.js';
import type { Store } from '../../storage/ports/index.js';
import type { NotificationsConfig } from './config.js';
import { adminBody, campaignBody, campaignSubject, heldExpiredBody, heldExpiredSubject, placeBody, placeSubject, subject, userBody, type CampaignFacts, type HeldExpiredFacts, type IncidentFacts, type PlaceFacts } from './texts.js';
import { campaignPayloadFor, deliverWebhook, payloadFor, placePayloadFor } from './webhook.js';

export interface NotifierOptions {
  config: NotificationsConfig;
  store: Store;
  logger: Logger;
  hostname: string;
  lang: Lang;
  lifetimeHours: number;
  retryDelayMs?: number;
  /** The console's address (`admin.publicUrl`): administrators' alerts link to its pages. */
  consoleUrl?: string;
}

/** The notifier of a gateway's configuration. */
export function notifierFor(
  config: { notifications: NotificationsConfig; hostname: string; lang: Lang; delivery: { lifetimeHours: number }; admin?: { publicUrl: string } },
  store: Store,
  logger: Logger,
): Notifier {
  return new Notifier({ config: config.notifications, store, logger, hostname: config.hostname, lang: config.lang, lifetimeHours: config.delivery.lifetimeHours, consoleUrl: config.admin?.publicUrl });
}

/**
 * Alerts for incidents: mails (through the gateway's own durable queue) to the administrators
 * and to the account owner, and webhooks. One incident, one alert: an account's restriction
 * opens an incident; its release sends one update and closes it. Nothing in between floods.
 */
export class Notifier {
  private readonly open = new Map<string, string>();
  /**
   * Folds an account's restriction alert for the administrators into an incident of the
   * organisation (`PlaceAlerts.fold`): true when it did, and the account's own alert then goes to
   * its owner only.
   */
  fold: ((f: IncidentFacts) => boolean) | null = null;

  constructor(private readonly o: NotifierOptions) {}

  async notify(change: StateChange, evidence: { held: string[]; sessionsClosed: number; appPasswordsRevoked: number }): Promise<IncidentFacts | null> {
    const cfg = this.o.config;
    if (change.state === 'watch' && !cfg.alertOnWatch) return null;
    const existing = this.open.get(change.account);
    if (change.state !== 'active' && existing) return null;
    if (change.state === 'active' && !existing) return null;
    const incidentId = existing ?? randomUUID();
    if (change.state === 'active') this.open.delete(change.account);
    else this.open.set(change.account, incidentId);
    const facts: IncidentFacts = {
      incidentId,
      account: change.account,
      state: change.state,
      ts: change.ts,
      reasons: change.reasons,
      held: evidence.held.length,
      sessionsClosed: evidence.sessionsClosed,
      appPasswordsRevoked: evidence.appPasswordsRevoked,
      update: change.state === 'active',
      ...this.link(`accounts/${encodeURIComponent(change.account)}`),
    };
    const folded = this.fold?.(facts) === true;
    if (!folded) await this.mailAdmins(facts);
    if (change.state === 'restricted' && cfg.notifyUser) await this.mailUser(facts);
    if (!folded) for (const hook of cfg.webhooks) void this.callWebhook(hook, payloadFor(hook.format, facts), facts.account, { incidentId: facts.incidentId });
    return facts;
  }

  /**
   * Tells every administrator (mail and webhooks) of a campaign allowance given or ended: it
   * relaxes detection for one account, so nobody should learn of it only from the dashboard.
   * Resolves once the mail is queued; `webhooks` settles when every webhook call has ended (with
   * its retries), which a CLI run waits for and a request of the API does not. A mail that cannot
   * be queued is logged, never thrown: the allowance is recorded and audited all the same.
   */
  async campaign(f: CampaignFacts): Promise<{ webhooks: Promise<void> }> {
    const cfg = this.o.config;
    if (cfg.adminEmails.length > 0) {
      const other = this.o.lang === 'ja' ? 'en' : 'ja';
      const body = `${campaignBody(f, this.o.lang)}\n\n----\n\n${campaignBody(f, other)}`;
      await this.enqueue(cfg.adminEmails, campaignSubject(f, this.o.lang), body, { account: f.account, header: 'X-Mailwarden-Notice: campaign', data: { campaign: true } }).catch((err: unknown) =>
        this.o.logger.error({ err, account: f.account }, 'campaign notice mail could not be queued'),
      );
    }
    const calls = cfg.webhooks.map((hook) => this.callWebhook(hook, campaignPayloadFor(hook.format, f), f.account, { campaign: true }));
    return { webhooks: Promise.all(calls).then(() => undefined) };
  }

  /**
   * Tells the administrators (mail and webhooks) of an incident of the organisation: many
   * accounts mailing strangers from one new place. Its deduplication and updates are the
   * caller's (`PlaceAlerts`).
   */
  async place(told: PlaceFacts): Promise<void> {
    const cfg = this.o.config;
    const f: PlaceFacts = { ...told, ...this.link(`incidents/place/${encodeURIComponent(told.incidentId)}`) };
    const data = { incidentId: f.incidentId, place: f.where };
    if (cfg.adminEmails.length > 0) {
      const other = this.o.lang === 'ja' ? 'en' : 'ja';
      const body = `${placeBody(f, this.o.lang)}\n\n----\n\n${placeBody(f, other)}`;
      await this.enqueue(cfg.adminEmails, placeSubject(f, this.o.lang), body, { account: null, header: `X-Mailwarden-Incident: ${f.incidentId}`, data });
    }
    for (const hook of cfg.webhooks) void this.callWebhook(hook, placePayloadFor(hook.format, f), null, data);
  }

  /** `{ console }`: the console's page at `route` (its hash route), when the console's address is configured. */
  private link(route: string): { console?: string } {
    const base = this.o.consoleUrl;
    if (!base) return {};
    return { console: `${base.replace(/#.*$/, '').replace(/\/*$/, '/')}#/${route}` };
  }

  /**
   * Tells an account's owner, in one mail, of its messages deleted from quarantine unreleased
   * (`RetentionJob`): one notice per account and run, however many messages, never one each.
   */
  async heldExpired(f: HeldExpiredFacts): Promise<void> {
    const other = this.o.lang === 'ja' ? 'en' : 'ja';
    const body = `${heldExpiredBody(f, this.o.lang)}\n\n----\n\n${heldExpiredBody(f, other)}`;
    await this.enqueue([f.account], heldExpiredSubject(f, this.o.lang), body, { account: f.account, header: 'X-Mailwarden-Notice: held-expired', data: { heldExpired: f.messages.length } });
  }

  private async mailAdmins(f: IncidentFacts): Promise<void> {
    if (this.o.config.adminEmails.length === 0) return;
    const body = `${adminBody(f, this.o.lang)}\n\n----\n\n${adminBody(f, this.o.lang === 'ja' ? 'en' : 'ja')}`;
    await this.enqueue(this.o.config.adminEmails, subject(f, this.o.lang), body, incidentNote(f));
  }

  private async mailUser(f: IncidentFacts): Promise<void> {
    const account = await this.o.store.accounts.get(f.account);
    const lang: Lang = account?.lang ?? this.o.lang;
    const body = `${userBody(f, lang)}\n\n----\n\n${userBody(f, lang === 'ja' ? 'en' : 'ja')}`;
    await this.enqueue([f.account], subject(f, lang), body, incidentNote(f));
  }

  private async enqueue(to: string[], subj: string, body: string, note: Note): Promise<void> {
    const from = this.o.config.from || `postmaster@${this.o.hostname}`;
    const now = new Date();
    const id = queueId(now.getTime());
    const messageId = `<alert.${id}@${this.o.hostname}>`;
    const raw = Buffer.from(
      [`From: Mailwarden <${from}>`, `To: ${to.join(', ')}`, `Subject: =?UTF-8?B?${Buffer.from(subj).toString('base64')}?=`, `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
        `Message-ID: ${messageId}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', 'Auto-Submitted: auto-generated', note.header, '',
        Buffer.from(body).toString('base64').replace(/.{76}/g, '$&\r\n'), ''].join('\r\n'),
    );
    // Alert mail is the gateway's own: it is never subject to the restricted account's containment.
    await this.o.store.queue.enqueue({ id, account: '', mailFrom: from, messageId, rcpts: to, raw, state: 'queued', createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.o.lifetimeHours * 3_600_000).toISOString() });
    await this.o.store.events.append({ ts: now.toISOString(), code: 'notify:mail-queued', account: note.account, data: { ...note.data, queueId: id, to } });
  }

  private async callWebhook(hook: NotificationsConfig['webhooks'][number], payload: unknown, account: string | null, data: Record<string, unknown>): Promise<void> {
    const result = await deliverWebhook(hook, hook.secret || this.o.config.webhookSecret, payload, this.o.config.retries, this.o.retryDelayMs);
    const code = result.ok ? 'notify:webhook-sent' : 'notify:webhook-failed';
    await this.o.store.events.append({ ts: new Date().toISOString(), code, account, data: { ...data, url: hook.url, ...result } }).catch(() => {});
    if (!result.ok) this.o.logger.error({ url: hook.url, error: result.error }, 'webhook failed after retries');
  }
}

/** What an alert mail is about: its account, its header naming the incident or notice, and what its event records. */
interface Note {
  /** The account it is about; null for an incident of the organisation. */
  account: string | null;
  header: string;
  data: Record<string, unknown>;
}

const incidentNote = (f: IncidentFacts): Note => ({ account: f.account, header: `X-Mailwarden-Incident: ${f.incidentId}`, data: { incidentId: f.incidentId } });
