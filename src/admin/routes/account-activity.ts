import { currentCampaign } from '../../incidents/campaign.js';
import type { AdminDeps } from '../http.js';

const HOUR = 3_600_000;

/** Messages per hour over the last `hours`, oldest first, from the accepted/held/refused events. */
export function hourlyCounts(timestamps: string[], hours: number, now = Date.now()): { hour: string; count: number }[] {
  const end = Math.floor(now / HOUR) * HOUR;
  const buckets = Array.from({ length: hours }, (_, i) => ({ hour: new Date(end - (hours - 1 - i) * HOUR).toISOString(), count: 0 }));
  for (const ts of timestamps) {
    const i = hours - 1 - Math.floor((end - Math.floor(Date.parse(ts) / HOUR) * HOUR) / HOUR);
    if (i >= 0 && i < hours) buckets[i].count++;
  }
  return buckets;
}

/**
 * What the console shows beside an account: its app passwords (never their hashes), recent
 * logins with the network and country when the gateway knew them, sending over two days, and
 * its incidents, and the campaign allowance running now, if any.
 */
export async function accountActivity(deps: AdminDeps, address: string) {
  const { store } = deps;
  const since = new Date(Date.now() - 48 * HOUR).toISOString();
  const [apps, logins, sent, incidents, held, campaign] = await Promise.all([
    store.accounts.listAppPasswords(address),
    store.events.query({ account: address, codes: ['smtp:auth-ok', 'smtp:auth-failed'], newestFirst: true, limit: 50 }),
    store.events.query({ account: address, codes: ['queue:accepted', 'queue:held', 'policy:refused', 'policy:sender-refused'], since, limit: 100_000 }),
    store.events.query({ account: address, codes: ['incident:restricted', 'incident:watch', 'incident:active', 'account:restricted', 'account:released'], newestFirst: true, limit: 20 }),
    store.queue.list({ account: address, state: 'held', limit: 1000 }),
    currentCampaign(store, address),
  ]);
  return {
    appPasswords: apps.map(({ hash: _h, ...rest }) => rest),
    logins: logins.map((e) => ({
      ts: e.ts,
      ok: e.code === 'smtp:auth-ok',
      ip: e.data.ip ?? null,
      country: e.data.country ?? null,
      asn: e.data.asn ?? null,
      appPassword: e.data.appPassword === true,
    })),
    sending: hourlyCounts(sent.map((e) => e.ts), 48),
    incidents: incidents.map((e) => ({ id: e.id, ts: e.ts, code: e.code, reasons: e.data.reasons ?? (e.data.reason ? [e.data.reason] : []) })),
    heldCount: held.length,
    campaign,
  };
}
