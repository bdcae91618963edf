import type { ReactNode } from 'react';
import { get } from '../api.js';
import { reasonText } from '../../../src/core/reason-text.js';
import { PlaceIncidentItem, type PlaceIncidentRow } from '../place-incident.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, HourChart, Loading, useLoad } from '../ui.js';

interface Dashboard {
  perHour: { hour: string; count: number }[];
  usualPerHour: { hour: string; count: number }[];
  topSenders: { key: string; count: number }[];
  authFailures: number;
  bans: number;
  openIncidents: { id: number; account: string; openedAt: string; reasons: string[] }[];
  queue: { queued: number; held: number };
  bounceRate: number;
  bounces: number;
  campaigns: { account: string; until: string; reason: string; by: string }[];
  placeIncidents: PlaceIncidentRow[];
  /** The embedded store's disk (null for PostgreSQL). */
  storeDisk: { freeMb: number; warnFreeMb: number; low: boolean } | null;
}

export function DashboardPage() {
  const { t, time, lang } = useT();
  const { data, error } = useLoad(() => get<Dashboard>('/api/dashboard'));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const total = data.perHour.reduce((n, h) => n + h.count, 0);
  return (
    <div className="grid">
      {data.storeDisk?.low ? <div className="warn disk-low">{t('diskLow', { free: data.storeDisk.freeMb, warn: data.storeDisk.warnFreeMb })}</div> : null}
      <Card title={t('messagesPerHour')} className="wide">
        {total === 0 ? <Empty>{t('noSending')}</Empty> : null}
        <HourChart series={data.perHour} usual={data.usualPerHour} labels={[t('today'), t('usual')]} />
      </Card>
      <ListCard title={t('openIncidents')} empty={t('noIncidents')}>
        {data.openIncidents.map((i) => (
          <li key={i.id}>
            <a href={`#/incidents/${i.id}`}>#{i.id} {i.account}</a> <span className="muted">{time(i.openedAt)}</span>
            <div className="muted">{i.reasons.map((r) => reasonText(r, lang)).join('; ')}</div>
          </li>
        ))}
      </ListCard>
      <ListCard title={t('placeIncidents')} empty={t('noPlaceIncidents')}>
        {data.placeIncidents.map((p) => <PlaceIncidentItem key={p.incidentId} p={p} />)}
      </ListCard>
      <ListCard title={t('campaigns')} empty={t('noCampaigns')}>
        {data.campaigns.map((c) => (
          <li key={c.account}>
            <a href={`#/accounts/${encodeURIComponent(c.account)}`}>{c.account}</a>{' '}
            <span className="muted">{t('campaignRow', { until: time(c.until), reason: c.reason, by: c.by })}</span>
          </li>
        ))}
      </ListCard>
      <Card title={t('topSenders')}>
        {data.topSenders.length === 0 ? <Empty>{t('noSending')}</Empty> : (
          <table>
            <tbody>
              {data.topSenders.map((s) => (
                <tr key={s.key}><td><a href={`#/accounts/${encodeURIComponent(s.key)}`}>{s.key}</a></td><td className="num">{s.count}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title={`${t('authFailures')} / ${t('bans')}`}>
        <p className="stat">{data.authFailures} / {data.bans}</p>
      </Card>
      <Card title={t('queueDepth')}>
        <p className="stat">{data.queue.queued} <span className="muted">/ {t('held')} {data.queue.held}</span></p>
      </Card>
      <Card title={t('bounceRate')}>
        <p className="stat">{(data.bounceRate * 100).toFixed(1)}% <span className="muted">({data.bounces})</span></p>
      </Card>
    </div>
  );
}

/** A card holding a list, or the text that says why it is empty. */
function ListCard({ title, empty, children }: { title: string; empty: string; children: ReactNode[] }) {
  return <Card title={title}>{children.length === 0 ? <Empty>{empty}</Empty> : <ul className="list">{children}</ul>}</Card>;
}
