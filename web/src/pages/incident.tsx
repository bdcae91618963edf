import { useState } from 'react';
import { del, enc, get, post } from '../api.js';
import { reasonListText, reasonText } from '../../../src/core/reason-text.js';
import { useT, type Lang } from '../i18n.js';
import type { TextKey } from '../texts.js';
import { Card, Empty, ErrorBox, Loading, StateBadge, useAction, useLoad } from '../ui.js';
import type { IncidentRow } from './incidents.js';

interface Detail extends IncidentRow {
  evidence: Record<string, unknown>;
  timeline: { id: number; ts: string; code: string; data: Record<string, unknown> }[];
  notes: { ts: string; by: string; text: string }[];
  checklist: Record<string, { done: boolean; by: string | null; ts: string | null }>;
  accountState: string | null;
  held: number;
}

/** One line per event: enough to read the attack's shape without opening each record. */
function summary(e: Detail['timeline'][number], lang: Lang): string {
  const d = e.data;
  const parts = [d.ip, Array.isArray(d.rcpts) ? `${d.rcpts.length} rcpt` : null, d.verdict, d.subject, Array.isArray(d.reasons) ? d.reasons.map((r) => reasonText(String(r), lang)).join('; ') : typeof d.reason === 'string' ? reasonListText(d.reason, lang) : d.reason];
  return parts.filter((p) => p !== undefined && p !== null && p !== '').map(String).join(' · ');
}

export function IncidentPage({ id, can }: { id: number; can: (p: string) => boolean }) {
  const { t, time, lang } = useT();
  const { data, error, reload } = useLoad(() => get<{ incident: Detail }>(`/api/incidents/${id}`), [id]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const i = data.incident;
  return (
    <div className="grid">
      <Card title={t('incident', { id: i.id })} className="wide">
        <p>
          <a href={`#/accounts/${enc(i.account)}`}>{i.account}</a> {i.accountState ? <StateBadge state={i.accountState} /> : null} — {i.status === 'open' ? t('open') : t('closedStatus')}
          <span className="muted"> {t('opened')} {time(i.openedAt)}{i.closedAt ? ` · ${t('closed')} ${time(i.closedAt)}` : ''}</span>
        </p>
        <p><strong>{t('reasons')}:</strong> {i.reasons.map((r) => reasonText(r, lang)).join('; ')}</p>
        <dl className="evidence">
          <dt>{t('evidence')}</dt>
          {Object.entries(i.evidence).map(([k, v]) => (
            <dd key={k}><code>{k}</code>: {Array.isArray(v) ? `${v.length} — ${v.slice(0, 5).join(', ')}${v.length > 5 ? ', …' : ''}` : String(v)}</dd>
          ))}
        </dl>
        {i.held > 0 ? <p><a href={`#/quarantine/${enc(i.account)}`}>{t('heldCount', { n: i.held })} — {t('goQuarantine')}</a></p> : null}
        {can('contain') ? <OneClick account={i.account} restricted={i.accountState === 'restricted'} onDone={reload} /> : null}
      </Card>
      <Checklist checklist={i.checklist} base={`/api/incidents/${i.id}`} can={can} onChange={reload} />
      <Notes notes={i.notes} base={`/api/incidents/${i.id}`} can={can} onChange={reload} />
      <Card title={t('timeline')} className="wide">
        <table>
          <tbody>
            {i.timeline.map((e) => (
              <tr key={e.id} className={e.code.startsWith('incident:') ? 'open' : ''}>
                <td>{time(e.ts)}</td><td><code>{e.code}</code></td><td>{summary(e, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}

function OneClick({ account, restricted, onDone }: { account: string; restricted: boolean; onDone: () => void }) {
  const { t } = useT();
  const [reason, setReason] = useState('');
  const action = useAction();
  const act = (verb: string) => action.run(() => post(`/api/accounts/${enc(account)}/${verb}`, { reason }), () => (setReason(''), onDone()));
  return (
    <div className="actions">
      <input className="reason" placeholder={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      {restricted ? <button type="button" disabled={!reason} onClick={() => act('release')}>{t('release')}</button> : <button type="button" className="danger" disabled={!reason} onClick={() => act('restrict')}>{t('restrict')}</button>}
      <button type="button" onClick={() => action.run(() => del(`/api/accounts/${enc(account)}/app-passwords`), onDone)}>{t('revokeAppPasswords')}</button>
      <ErrorBox error={action.error} />
    </div>
  );
}

/** An incident's response steps; `base` is the incident's API address (`…/checklist` ticks a step). */
export function Checklist({ checklist, base, can, onChange }: { checklist: Detail['checklist']; base: string; can: (p: string) => boolean; onChange: () => void }) {
  const { t, time } = useT();
  const action = useAction();
  return (
    <Card title={t('checklist')}>
      <ul className="checklist">
        {Object.entries(checklist).map(([item, s]) => (
          <li key={item}>
            <label>
              <input type="checkbox" checked={s.done} disabled={!can('incident-notes')} onChange={(e) => action.run(() => post(`${base}/checklist`, { item, done: e.target.checked }), onChange)} />
              {t(`check.${item}` as TextKey)}
            </label>
            {s.by ? <span className="muted"> {s.by} {time(s.ts)}</span> : null}
          </li>
        ))}
      </ul>
      <ErrorBox error={action.error} />
    </Card>
  );
}

/** An incident's notes, and a form to add one; `base` is the incident's API address (`…/notes`). */
export function Notes({ notes, base, can, onChange }: { notes: Detail['notes']; base: string; can: (p: string) => boolean; onChange: () => void }) {
  const { t, time } = useT();
  const [text, setText] = useState('');
  const action = useAction();
  return (
    <Card title={t('notes')}>
      {notes.length === 0 ? <Empty>{t('noNotes')}</Empty> : (
        <ul className="list">{notes.map((n, k) => <li key={k}><span className="muted">{time(n.ts)} {n.by}</span><div className="note">{n.text}</div></li>)}</ul>
      )}
      {can('incident-notes') ? (
        <form className="actions" onSubmit={(e) => (e.preventDefault(), action.run(() => post(`${base}/notes`, { text }), () => (setText(''), onChange())))}>
          <textarea value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" disabled={!text.trim()}>{t('addNote')}</button>
        </form>
      ) : null}
      <ErrorBox error={action.error} />
    </Card>
  );
}
