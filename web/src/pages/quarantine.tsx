import { useState } from 'react';
import { enc, get, post } from '../api.js';
import { reasonListText } from '../../../src/core/reason-text.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, Loading, useAction, useLoad } from '../ui.js';

export interface Msg {
  id: string;
  account: string;
  mailFrom: string;
  messageId: string;
  size: number;
  state: string;
  reason: string | null;
  createdAt: string;
  nextAttemptAt: string;
  attempts: number;
  recipients: { address: string; status: string; lastReply: string | null }[];
}

interface Content {
  headers: { name: string; value: string }[];
  subject: string;
  text: string;
  truncated: boolean;
}

export function QuarantinePage({ can, account }: { can: (p: string) => boolean; account?: string }) {
  const { t, time, lang } = useT();
  const { data, error, reload } = useLoad(() => get<{ messages: Msg[]; heldDays: number }>(`/api/quarantine${account ? `?account=${enc(account)}` : ''}`), [account]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const action = useAction();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const toggle = (id: string) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set([...s, id])));
  const bulk = (verb: 'release' | 'delete') => action.run(() => post(`/api/quarantine/${verb}`, { ids: [...selected], reason }), () => (setSelected(new Set()), setReason(''), reload()));
  return (
    <>
      <Card title={`${t('navQuarantine')}${account ? ` — ${account}` : ''}`}>
        {data.messages.length === 0 ? <Empty>{t('noHeld')}</Empty> : (
          <table>
            <thead><tr><th><input type="checkbox" aria-label="all" checked={selected.size === data.messages.length} onChange={(e) => setSelected(new Set(e.target.checked ? data.messages.map((m) => m.id) : []))} /></th><th>{t('time')}</th><th>{t('account')}</th><th>{t('to')}</th><th>{t('reasons')}</th><th /></tr></thead>
            <tbody>
              {data.messages.map((m) => (
                <tr key={m.id}>
                  <td><input type="checkbox" aria-label={m.id} checked={selected.has(m.id)} onChange={() => toggle(m.id)} /></td>
                  <td>{time(m.createdAt)}</td>
                  <td>{m.account}</td>
                  <td>{m.recipients.map((r) => r.address).join(', ')}</td>
                  <td className="muted">{m.reason === null ? null : reasonListText(m.reason, lang)}</td>
                  <td>{can('read-content') ? <button type="button" onClick={() => setOpen(open === m.id ? null : m.id)}>{t('view')}</button> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {can('quarantine') && data.messages.length > 0 ? (
          <div className="actions">
            <input className="reason" placeholder={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="button" disabled={!reason || selected.size === 0} onClick={() => bulk('release')}>{t('releaseSelected')}</button>
            <button type="button" className="danger" disabled={!reason || selected.size === 0} onClick={() => bulk('delete')}>{t('deleteSelected')}</button>
            {selected.size === 0 ? <span className="muted">{t('selectSome')}</span> : null}
          </div>
        ) : null}
        <ErrorBox error={action.error} />
        <p className="muted held-kept">{data.heldDays > 0 ? t('heldKept', { days: data.heldDays }) : t('heldKeptForever')}</p>
      </Card>
      {open ? <MessageContent id={open} /> : null}
    </>
  );
}

/** Headers and text are put in the page as text nodes only: nothing in a message can run here. */
export function MessageContent({ id }: { id: string }) {
  const { t } = useT();
  const { data, error } = useLoad(() => get<{ content: Content | null }>(`/api/quarantine/${enc(id)}`), [id]);
  if (error) return <ErrorBox error={error} />;
  if (!data?.content) return <Loading />;
  const c = data.content;
  return (
    <Card title={c.subject || id}>
      <h3>{t('headers')}</h3>
      <table className="headers">
        <tbody>{c.headers.map((h, i) => <tr key={i}><th>{h.name}</th><td>{h.value}</td></tr>)}</tbody>
      </table>
      <h3>{t('plainText')}</h3>
      <pre className="body">{c.text}{c.truncated ? '\n…' : ''}</pre>
    </Card>
  );
}
