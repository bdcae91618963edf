import type { FastifyInstance } from 'fastify';
import { route, type AdminDeps } from '../http.js';
import { runningCampaigns } from '../../incidents/campaign.js';
import { listIncidents, listPlaceIncidents } from '../incidents.js';
import { hourlyCounts } from './account-activity.js';

const HOUR = 3_600_000;

function top(counts: Map<string, number>, n: number): { key: string; count: number }[] {
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n).map(([key, count]) => ({ key, count }));
}

/**
 * The dashboard: messages per hour today against the same hours a week back ("usual"), top
 * senders, auth failures and bans, open incidents, accounts mailing strangers from one new place
 * (an organisation's incident), queue depth and bounce rate over 24 hours, and the campaign
 * allowances running (each relaxes detection for an account: worth seeing at a glance).
 */
export function dashboardRoutes(app: FastifyInstance, deps: AdminDeps): void {
  route(app, deps, { method: 'GET', url: '/api/dashboard', permission: 'read', tag: 'dashboard', summary: 'Dashboard summary of the last 24 hours', summaryJa: '直近 24 時間のダッシュボード集計',
    handler: async () => {
      const now = Date.now();
      const { store } = deps;
      const since = new Date(now - 24 * HOUR).toISOString();
      const weekAgo = new Date(now - 8 * 24 * HOUR).toISOString();
      const [sent, usual, auth, bounces, incidents, counts, campaigns, places, free] = await Promise.all([
        store.events.query({ codes: ['queue:accepted', 'queue:held'], since, limit: 200_000 }),
        store.events.query({ codes: ['queue:accepted', 'queue:held'], since: weekAgo, limit: 200_000 }),
        store.events.query({ codes: ['smtp:auth-failed', 'auth:source-banned', 'auth:pair-banned', 'auth:account-locked'], since, limit: 100_000 }),
        store.events.query({ codes: ['bounce:received'], since, limit: 100_000 }),
        listIncidents(store),
        store.queue.counts(),
        runningCampaigns(store, now),
        listPlaceIncidents(store, since, 20),
        deps.storeFree ? deps.storeFree().catch(() => null) : Promise.resolve(null),
      ]);
      const perSender = new Map<string, number>();
      let recipients = 0;
      for (const e of sent) {
        if (e.account) perSender.set(e.account, (perSender.get(e.account) ?? 0) + 1);
        recipients += Array.isArray(e.data.rcpts) ? e.data.rcpts.length : 1;
      }
      const lastWeek = usual.filter((e) => Date.parse(e.ts) < now - 6 * 24 * HOUR).map((e) => new Date(Date.parse(e.ts) + 7 * 24 * HOUR).toISOString());
      return {
        perHour: hourlyCounts(sent.map((e) => e.ts), 24, now),
        usualPerHour: hourlyCounts(lastWeek, 24, now),
        topSenders: top(perSender, 10),
        authFailures: auth.filter((e) => e.code === 'smtp:auth-failed').length,
        bans: auth.filter((e) => e.code !== 'smtp:auth-failed').length,
        openIncidents: incidents.filter((i) => i.status === 'open').slice(0, 20),
        queue: counts,
        bounces: bounces.length,
        recipients,
        bounceRate: recipients ? bounces.length / recipients : 0,
        campaigns,
        placeIncidents: places,
        // The embedded store's disk: the console warns below retention.warnFreeMb (a full disk refuses mail).
        storeDisk: free === null ? null : { freeMb: Math.floor(free / (1024 * 1024)), warnFreeMb: deps.config.retention.warnFreeMb, low: free < deps.config.retention.warnFreeMb * 1024 * 1024 },
      };
    } });
}
