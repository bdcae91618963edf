/**
 * Where a login or a submission comes from (country and network, from the offline GeoDb), and
 * what is unusual about a successful login (LoginAnomalies). The pipeline adds the location to
 * each AuthEvent and SubmitEvent, so the detection engine weighs new countries and networks
 * live and, from the recorded events, at warm-up and in replay; findings become `auth:anomaly`
 * events.
 *
 * Failure policy: fail open. Location data that cannot be loaded leaves events without
 * country and network (logged once); logins and mail go on, as they did before location data
 * existed, and the other signals still apply.
 */
import type { AuthEvent } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import type { NewEvent, Store } from '../storage/ports/index.js';
import { LoginAnomalies, type AnomalyConfig } from './anomalies.js';
import { locationOf, type GeoDb, type GeoInfo } from './geo.js';

export interface Location {
  country?: string;
  asn?: number;
}

export class LoginSignals {
  private readonly anomalies: LoginAnomalies;
  private geoBroken = false;

  constructor(
    private readonly geo: GeoDb | null,
    anomalies: Partial<AnomalyConfig>,
    private readonly record: (e: NewEvent) => void,
    private readonly logger: Logger,
  ) {
    this.anomalies = new LoginAnomalies(anomalies);
  }

  /** Country and network of an address; nothing for private addresses or when the data is missing. */
  locate(ip: string): Location {
    return locationOf(this.lookup(ip));
  }

  /** Compares a successful login with the account's history; findings are recorded as one event. */
  observe(event: AuthEvent): void {
    if (!event.ok) return;
    const asName = event.asn !== undefined ? (this.lookup(event.ip)?.asName ?? null) : null;
    const findings = this.anomalies.observe({ ...event, asName });
    if (findings.length === 0) return;
    this.record({
      ts: event.ts,
      code: 'auth:anomaly',
      account: event.account,
      data: { ip: event.ip, country: event.country ?? null, asn: event.asn ?? null, asName, kinds: findings.map((f) => f.kind), findings },
    });
  }

  /**
   * A successful login that another node of a cluster took: added to the account's history, so
   * that this node's next login of the account is compared with it (a login from Japan on one
   * node, from Vietnam on the next ten minutes later, is impossible travel). Its findings were
   * recorded by the node that took it.
   */
  learn(event: AuthEvent): void {
    if (event.ok) this.anomalies.observe({ ...event, asName: null });
  }

  /** Rebuilds the login histories from the recorded successful logins of the last `days`. */
  async warm(store: Store, days: number): Promise<number> {
    const since = new Date(Date.now() - days * 86_400_000).toISOString();
    const events = await store.events.query({ since, codes: ['smtp:auth-ok'], limit: 1_000_000 });
    for (const e of events) this.anomalies.observe({ ...(e.data as unknown as AuthEvent), ok: true });
    return events.length;
  }

  private lookup(ip: string): GeoInfo | null {
    if (!this.geo || this.geoBroken) return null;
    try {
      return this.geo.lookup(ip);
    } catch (err) {
      this.geoBroken = true;
      this.logger.error({ err }, 'IP location data unavailable: events carry no country or network / IP 位置データを読み込めません');
      return null;
    }
  }
}
