import { get } from '../api.js';
import { reasonText } from '../../../src/core/reason-text.js';
import { useT } from '../i18n.js';
import { PlaceIncidentItem, type PlaceIncidentRow } from '../place-incident.js';
import { Card, Empty, ErrorBox, Loading, useLoad } from '../ui.js';

export interface IncidentRow {
  id: number;
  account: string;
  kind: string;
  openedAt: string;
  closedAt: string | null;
  status: 'open' | 'closed';
  reasons: string[];
}

export function IncidentsPage() {
  const { t, time, lang } = useT();
  const { data, error } = useLoad(() => Promise.all([get<{ incidents: IncidentRow[] }>('/api/incidents'), get<{ placeIncidents: PlaceIncidentRow[] }>('/api/place-incidents')]));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const [{ incidents }, { placeIncidents }] = data;
  return (
    <div className="grid">
      <Card title={t('navIncidents')} className="wide">
        {incidents.length === 0 ? <Empty>{t('noIncidents')}</Empty> : (
          <table>
            <thead><tr><th>#</th><th>{t('account')}</th><th>{t('status')}</th><th>{t('opened')}</th><th>{t('reasons')}</th></tr></thead>
            <tbody>
              {incidents.map((i) => (
                <tr key={i.id} className={i.status === 'open' ? 'open' : ''}>
                  <td><a href={`#/incidents/${i.id}`}>#{i.id}</a></td>
                  <td>{i.account}</td>
                  <td>{i.status === 'open' ? t('open') : t('closedStatus')} <span className="muted">{i.kind}</span></td>
                  <td>{time(i.openedAt)}</td>
                  <td>{i.reasons.map((r) => reasonText(r, lang)).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title={t('placeIncidentsAll')} className="wide">
        {placeIncidents.length === 0 ? <Empty>{t('noPlaceIncidentsAll')}</Empty> : <ul className="list">{placeIncidents.map((p) => <PlaceIncidentItem key={p.incidentId} p={p} />)}</ul>}
      </Card>
    </div>
  );
}
