import { PLACE_CODES } from '../incidents/place-alerts.js';
import type { Store, StoredEvent } from '../storage/ports/index.js';

/**
 * Incidents are not a table of their own: they are read from the event record. Each
 * `incident:restricted` (or `incident:watch`, or in shadow mode `incident:shadow-restricted`)
 * opens one; the next release or return to active of that account closes it. Notes and the
 * response checklist are `incident:note` / `incident:checklist` events naming the incident.
 */
export const OPENING = ['incident:restricted', 'incident:watch', 'incident:shadow-restricted', 'incident:shadow-watch'];
const CLOSING = ['incident:active', 'account:released'];
export const CHECKLIST = ['reset-password', 'check-devices', 'warn-recipients'] as const;
export type ChecklistItem = (typeof CHECKLIST)[number];

export interface Incident {
  id: number;
  account: string;
  kind: string;
  openedAt: string;
  closedAt: string | null;
  status: 'open' | 'closed';
  reasons: string[];
  evidence: Record<string, unknown>;
}

export interface IncidentDetail extends Incident {
  timeline: StoredEvent[];
  notes: { ts: string; by: string; text: string }[];
  checklist: Record<ChecklistItem, { done: boolean; by: string | null; ts: string | null }>;
  accountState: string | null;
  held: number;
}

function toIncident(open: StoredEvent, closer: StoredEvent | undefined): Incident {
  const { reasons, ...evidence } = open.data as { reasons?: string[] };
  return {
    id: open.id,
    account: open.account ?? '',
    kind: open.code.slice('incident:'.length),
    openedAt: open.ts,
    closedAt: closer?.ts ?? null,
    status: closer ? 'closed' : 'open',
    reasons: reasons ?? [],
    evidence,
  };
}

/** Newest first. The closer of an incident is the first closing event of its account after it. */
export async function listIncidents(store: Store, limit = 200): Promise<Incident[]> {
  const events = await store.events.query({ codes: [...OPENING, ...CLOSING], newestFirst: true, limit: limit * 4 });
  const out: Incident[] = [];
  const laterCloser = new Map<string, StoredEvent>();
  const laterOpening = new Map<string, StoredEvent>();
  // Walking newest to oldest, the closer seen last for an account is the first one after this
  // opening. A watch that escalated is closed by the incident it became.
  for (const e of events) {
    if (!e.account) continue;
    if (CLOSING.includes(e.code)) laterCloser.set(e.account, e);
    else {
      const closer = laterCloser.get(e.account);
      const escalated = e.code.endsWith('watch') ? laterOpening.get(e.account) : undefined;
      out.push(toIncident(e, escalated && (!closer || escalated.id < closer.id) ? escalated : closer));
      laterOpening.set(e.account, e);
    }
  }
  return out.slice(0, limit);
}

export async function incidentDetail(store: Store, id: number): Promise<IncidentDetail | null> {
  const found = (await listIncidents(store, 1000)).find((i) => i.id === id);
  if (!found) return null;
  const since = new Date(Date.parse(found.openedAt) - 3_600_000).toISOString();
  const [timeline, annotations, account, held] = await Promise.all([
    store.events.query({ account: found.account, since, limit: 500 }),
    store.events.query({ codes: ANNOTATION_CODES, since: found.openedAt, limit: 5000 }),
    store.accounts.get(found.account),
    store.queue.list({ account: found.account, state: 'held', limit: 100_000 }),
  ]);
  const end = found.closedAt ? Date.parse(found.closedAt) + 60_000 : Infinity;
  return {
    ...found,
    timeline: timeline.filter((e) => Date.parse(e.ts) <= end && e.code !== 'incident:note' && e.code !== 'incident:checklist'),
    ...annotationsOf(annotations.filter((e) => e.data.incident === id)),
    accountState: account?.state ?? null,
    held: held.length,
  };
}

export const ANNOTATION_CODES = ['incident:note', 'incident:checklist'];

/** The notes of an incident and its checklist as last ticked, from its `incident:note` and `incident:checklist` events (oldest first). */
function annotationsOf(events: StoredEvent[]): Pick<IncidentDetail, 'notes' | 'checklist'> {
  const checklist = Object.fromEntries(CHECKLIST.map((c) => [c, { done: false, by: null, ts: null }])) as IncidentDetail['checklist'];
  for (const e of events.filter((x) => x.code === 'incident:checklist')) {
    const item = e.data.item as ChecklistItem;
    if (item in checklist) checklist[item] = { done: e.data.done === true, by: String(e.data.by ?? ''), ts: e.ts };
  }
  const notes = events.filter((e) => e.code === 'incident:note').map((e) => ({ ts: e.ts, by: String(e.data.by ?? ''), text: String(e.data.text ?? '') }));
  return { notes, checklist };
}

/** An incident of the organisation: many accounts mailing strangers from one new place (see `PlaceAlerts`). */
export interface PlaceIncident {
  incidentId: string;
  /** When it was first reported, and its latest report. */
  openedAt: string;
  lastAt: string;
  where: string;
  accounts: string[];
  restricted: string[];
  shadow: boolean;
}


/**
 * The incidents of the organisation in the record since `since` (all when absent), newest first:
 * each as its latest report (accounts and restrictions so far), with the time of its first.
 */
export async function listPlaceIncidents(store: Store, since?: string, limit = 50): Promise<PlaceIncident[]> {
  const byId = new Map<string, PlaceIncident>();
  for (const e of await placeReports(store, since)) {
    const report = placeReport(e);
    const known = byId.get(report.incidentId);
    if (known) known.openedAt = e.ts;
    else byId.set(report.incidentId, report);
  }
  return [...byId.values()].slice(0, limit);
}

/** Every report of the organisation's incidents since `since`, newest first. */
function placeReports(store: Store, since?: string): Promise<StoredEvent[]> {
  return store.events.query({ codes: PLACE_CODES, since, newestFirst: true, limit: 5000 });
}

/** One report (`incident:shared-place`) as the incident it describes at its time. */
function placeReport(e: StoredEvent): PlaceIncident {
  const d = e.data as { incidentId?: unknown; where?: unknown; accounts?: unknown; restricted?: unknown };
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return { incidentId: String(d.incidentId ?? e.id), openedAt: e.ts, lastAt: e.ts, where: String(d.where ?? ''), accounts: strings(d.accounts), restricted: strings(d.restricted), shadow: e.code.includes('shadow') };
}

/** An incident of the organisation with each account's state now, its reports, notes and checklist. */
export interface PlaceIncidentDetail extends PlaceIncident, Pick<IncidentDetail, 'notes' | 'checklist'> {
  /** Every account named, in the order they joined, with its state now and its mail in quarantine. */
  members: { address: string; state: string | null; held: number }[];
  /** Oldest first: when the administrators were told, and how many accounts each report named. */
  reports: { ts: string; accounts: number; restricted: number }[];
}

export async function placeIncidentDetail(store: Store, id: string): Promise<PlaceIncidentDetail | null> {
  const reports = (await placeReports(store)).map(placeReport).filter((r) => r.incidentId === id).reverse();
  if (reports.length === 0) return null;
  const latest = { ...reports[reports.length - 1], openedAt: reports[0].openedAt };
  const members = await Promise.all(
    latest.accounts.map(async (address) => {
      const [account, held] = await Promise.all([store.accounts.get(address), store.queue.list({ account: address, state: 'held', limit: 100_000 })]);
      return { address, state: account?.state ?? null, held: held.length };
    }),
  );
  const annotations = await store.events.query({ codes: ANNOTATION_CODES, since: latest.openedAt, limit: 5000 });
  return {
    ...latest,
    members,
    reports: reports.map((r) => ({ ts: r.lastAt, accounts: r.accounts.length, restricted: r.restricted.length })),
    ...annotationsOf(annotations.filter((e) => e.data.placeIncident === id)),
  };
}
