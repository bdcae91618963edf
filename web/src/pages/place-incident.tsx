import { useState } from 'react';
import { enc, get, post } from '../api.js';
import { placeText } from '../../../src/core/reason-text.js';
import { useT } from '../i18n.js';
import { rowText, type PlaceIncidentRow } from '../place-incident.js';
import { Card, ErrorBox, Loading, StateBadge, useAction, useLoad } from '../ui.js';
import { Checklist, Notes } from './incident.js';

interface PlaceDetail extends PlaceIncidentRow {
  members: { address: string; state: string | null; held: number }[];
  reports: { ts: string; accounts: number; restricted: number }[];
  notes: { ts: string; by: string; text: string }[];
  checklist: Record<string, { done: boolean; by: string | null; ts: string | null }>;
}

/**
 * One incident of the organisation (`GET /api/place-incidents/{id}`): every account it names with
 * its state now and its mail in quarantine, one action to restrict those not yet restricted, the
 * reports the administrators received, the response checklist and notes.
 */
export function PlaceIncidentPage({ id, can }: { id: string; can: (p: string) => boolean }) {
  const { t, time, lang } = useT();
  const { data, error, reload } = useLoad(() => get<{ placeIncident: PlaceDetail }>(`/api/place-incidents/${enc(id)}`), [id]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const p = data.placeIncident;
  const base = `/api/place-incidents/${enc(p.incidentId)}`;
  const open = p.members.filter((m) => m.state !== null && m.state !== 'restricted');
  return (
    <div className="grid">
      <Card title={t('placeIncident')} className="wide">
        <p>
          {t(rowText(p), { n: p.accounts.length, where: placeText(p.where, lang) })}
          {p.shadow ? <span className="muted"> {t('shadowOnly')}</span> : null}
        </p>
        <p className="muted">{t('opened')} {time(p.openedAt)} · {t('lastReport')} {time(p.lastAt)}</p>
        <table className="place-members">
          <thead><tr><th>{t('account')}</th><th>{t('state')}</th><th>{t('held')}</th></tr></thead>
          <tbody>
            {p.members.map((m) => (
              <tr key={m.address}>
                <td><a href={`#/accounts/${enc(m.address)}`}>{m.address}</a></td>
                <td>{m.state ? <StateBadge state={m.state} /> : <span className="muted">{t('noSuchAccount')}</span>}</td>
                <td>{m.held > 0 ? <a href={`#/quarantine/${enc(m.address)}`}>{m.held}</a> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {can('contain') ? <RestrictAll base={base} count={open.length} onDone={reload} /> : null}
      </Card>
      <Checklist checklist={p.checklist} base={base} can={can} onChange={reload} />
      <Notes notes={p.notes} base={base} can={can} onChange={reload} />
      <Card title={t('placeReports')} className="wide">
        <table>
          <tbody>
            {p.reports.map((r, i) => (
              <tr key={i}><td>{time(r.ts)}</td><td>{t('placeReport', { n: r.accounts, restricted: r.restricted })}</td></tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

/** Restricts, with one reason, every account named that is not restricted yet. */
function RestrictAll({ base, count, onDone }: { base: string; count: number; onDone: () => void }) {
  const { t } = useT();
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<{ n: number; held: number } | null>(null);
  const action = useAction();
  const act = () =>
    action.run(async () => {
      const r = await post<{ accounts: { result: string; held: number }[] }>(`${base}/restrict`, { reason });
      const done = r.accounts.filter((a) => a.result === 'restricted');
      setOutcome({ n: done.length, held: done.reduce((s, a) => s + a.held, 0) });
      setReason('');
    }, onDone);
  if (count === 0) return <p className="muted">{outcome ? `${t('restrictAllDone', outcome)} ` : ''}{t('allRestricted')}</p>;
  return (
    <div className="actions">
      <input className="reason" placeholder={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="button" className="danger" disabled={!reason} onClick={act}>{t('restrictAll', { n: count })}</button>
      {outcome ? <span className="muted">{t('restrictAllDone', outcome)}</span> : null}
      <ErrorBox error={action.error} />
    </div>
  );
}
