import { placeText } from '../../src/core/reason-text.js';
import { useT } from './i18n.js';

/** An incident of the organisation as the API gives it (`listPlaceIncidents`). */
export interface PlaceIncidentRow {
  incidentId: string;
  openedAt: string;
  lastAt: string;
  where: string;
  accounts: string[];
  restricted: string[];
  shadow: boolean;
}

/** The line that says what an incident of the organisation is: accounts at one new place, or one text from many places (`body TAG`). */
export function rowText(p: PlaceIncidentRow): 'placeRow' | 'textRow' {
  return p.where.startsWith('body ') ? 'textRow' : 'placeRow';
}

/** One incident of the organisation: when, where, how many, and each account as a link, those restricted marked. */
export function PlaceIncidentItem({ p }: { p: PlaceIncidentRow }) {
  const { t, time, lang } = useT();
  return (
    <li className="place-incident">
      <span className="muted">{time(p.lastAt)}</span> {t(rowText(p), { n: p.accounts.length, where: placeText(p.where, lang) })}
      {p.shadow ? <span className="muted"> {t('shadowOnly')}</span> : null}
      {' '}<a className="place-details" href={`#/incidents/place/${encodeURIComponent(p.incidentId)}`}>{t('placeDetails')}</a>
      <div>
        {p.accounts.map((a, i) => (
          <span key={a}>
            {i > 0 ? ', ' : ''}
            <a href={`#/accounts/${encodeURIComponent(a)}`}>{a}</a>
            {p.restricted.includes(a) ? <span className="muted"> ({t('restrictedMark')})</span> : null}
          </span>
        ))}
      </div>
    </li>
  );
}
