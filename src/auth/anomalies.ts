/**
 * Login anomalies: each successful login compared with the account's own history. A stolen
 * password is typically used from somewhere the owner never logs in from (a hosting network
 * abroad), at hours the owner does not work; each such difference is a finding, recorded as an
 * `auth:anomaly` event for the console and the alerts, while the detection engine weighs the
 * country and network carried by the auth event itself.
 *
 * History is kept in memory per account, bounded (accounts, and addresses per account), and
 * rebuilt at start from the recorded logins. An account with too little history gives no
 * "new ..." findings: every login of a new account would be new.
 */
import { z } from 'zod';
import type { AuthEvent } from '../events/replay.js';
import { findingText, type Finding, type FindingKind } from './anomaly-texts.js';

export type { Finding, FindingKind } from './anomaly-texts.js';

export const anomalyConfigSchema = z.object({
  minHistory: z.number().int().min(1).default(5).describe('Successful logins an account needs before a new address, network or country is reported.'),
  travelHours: z
    .number().min(0).default(4)
    .describe('Two successful logins from different countries less than this many hours apart are reported as impossible travel.'),
  unusualHourMinLogins: z.number().int().min(1).default(20).describe('Successful logins an account needs before an unusual hour is reported.'),
  unusualHourShare: z
    .number().min(0).max(1).default(0.02)
    .describe('A login is at an unusual hour when the account made less than this share of its logins within an hour of that time (UTC).'),
  maxAccounts: z.number().int().positive().default(100_000).describe('Accounts whose login history is kept in memory.'),
});

export type AnomalyConfig = z.output<typeof anomalyConfigSchema>;

/** An auth event with the network's name, as the pipeline builds it. */
export type LocatedLogin = AuthEvent & { asName?: string | null };

interface History {
  logins: number;
  ips: Map<string, true>;
  networks: Set<number>;
  countries: Set<string>;
  last: { country: string | undefined; ts: number; ip: string } | null;
  hours: Uint32Array;
}

/** Addresses remembered per account; the least recently seen are forgotten first. */
const MAX_IPS = 200;

export class LoginAnomalies {
  private readonly accounts = new Map<string, History>();
  readonly config: AnomalyConfig;

  constructor(config: Partial<AnomalyConfig> = {}) {
    this.config = anomalyConfigSchema.parse(config);
  }

  /** Compares a successful login with the history, then adds it; failures are ignored. */
  observe(e: LocatedLogin): Finding[] {
    if (!e.ok) return [];
    const h = this.history(e.account);
    const ts = Date.parse(e.ts);
    const findings = [
      ...this.novelty(h, e),
      this.impossibleTravel(h, e, ts),
      this.unusualHour(h, ts),
    ].filter((f): f is Finding => f !== undefined);
    this.remember(h, e, ts);
    return findings;
  }

  private novelty(h: History, e: LocatedLogin): Finding[] {
    if (h.logins < this.config.minHistory) return [];
    const out: Finding[] = [];
    const params = { ip: e.ip, country: e.country ?? '', asn: e.asn ?? '?', asName: e.asName ?? '?' };
    if (e.country && !h.countries.has(e.country)) out.push(finding('new-country', params));
    if (e.asn !== undefined && !h.networks.has(e.asn)) out.push(finding('new-network', params));
    if (!h.ips.has(e.ip)) out.push(finding('new-ip', params));
    return out;
  }

  private impossibleTravel(h: History, e: LocatedLogin, ts: number): Finding | undefined {
    const last = h.last;
    if (!last?.country || !e.country || last.country === e.country) return undefined;
    const hours = (ts - last.ts) / 3_600_000;
    if (hours < 0 || hours >= this.config.travelHours) return undefined;
    return finding('impossible-travel', { from: last.country, to: e.country, minutes: Math.round(hours * 60) });
  }

  /** The hour and its two neighbours, so that 08:55 and 09:05 count as the same habit. */
  private unusualHour(h: History, ts: number): Finding | undefined {
    if (h.logins < this.config.unusualHourMinLogins) return undefined;
    const hour = new Date(ts).getUTCHours();
    const near = h.hours[(hour + 23) % 24] + h.hours[hour] + h.hours[(hour + 1) % 24];
    if (near / h.logins >= this.config.unusualHourShare) return undefined;
    return finding('unusual-hour', { hour: String(hour).padStart(2, '0') });
  }

  private history(account: string): History {
    let h = this.accounts.get(account);
    if (h) return h;
    h = { logins: 0, ips: new Map(), networks: new Set(), countries: new Set(), last: null, hours: new Uint32Array(24) };
    if (this.accounts.size >= this.config.maxAccounts) this.accounts.delete(this.accounts.keys().next().value!);
    this.accounts.set(account, h);
    return h;
  }

  private remember(h: History, e: LocatedLogin, ts: number): void {
    h.logins++;
    h.ips.delete(e.ip);
    h.ips.set(e.ip, true);
    if (h.ips.size > MAX_IPS) h.ips.delete(h.ips.keys().next().value!);
    if (e.asn !== undefined) h.networks.add(e.asn);
    if (e.country) h.countries.add(e.country);
    h.hours[new Date(ts).getUTCHours()]++;
    // a login from an address without a location (the office's private network) moves no one
    if (e.country) h.last = { country: e.country, ts, ip: e.ip };
  }
}

function finding(kind: FindingKind, params: Record<string, string | number>): Finding {
  return { kind, ...findingText(kind, params) };
}
