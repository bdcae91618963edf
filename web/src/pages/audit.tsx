import { useState } from 'react';
import { get } from '../api.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, Loading, useAction, useLoad } from '../ui.js';

interface Entry {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string;
  reason: string;
}

export function AuditPage() {
  const { t, time } = useT();
  const [filter, setFilter] = useState({ q: '', actor: '', action: '' });
  const [applied, setApplied] = useState(filter);
  const query = new URLSearchParams(Object.entries(applied).filter(([, v]) => v)).toString();
  const { data, error } = useLoad(() => get<{ entries: Entry[] }>(`/api/audit${query ? `?${query}` : ''}`), [query]);
  const [verify, setVerify] = useState<{ ok: boolean; entries: number; problem?: { seq: number; detail: string } } | null>(null);
  const action = useAction();
  return (
    <Card title={t('navAudit')}>
      <form className="actions" onSubmit={(e) => (e.preventDefault(), setApplied(filter))}>
        <input placeholder={t('search')} value={filter.q} onChange={(e) => setFilter({ ...filter, q: e.target.value })} />
        <input placeholder={t('actor')} value={filter.actor} onChange={(e) => setFilter({ ...filter, actor: e.target.value })} />
        <input placeholder={t('action')} value={filter.action} onChange={(e) => setFilter({ ...filter, action: e.target.value })} />
        <button type="submit">{t('search')}</button>
        <a className="button" href={`/api/audit/export.csv${query ? `?${query}` : ''}`} download>{t('exportCsv')}</a>
        <button type="button" onClick={() => action.run(async () => setVerify(await get('/api/audit/verify')))}>{t('verifyChain')}</button>
      </form>
      {verify ? (
        <p className={verify.ok ? 'ok' : 'error'}>{verify.ok ? t('chainOk', { n: verify.entries }) : t('chainBroken', { seq: verify.problem!.seq, detail: verify.problem!.detail })}</p>
      ) : null}
      <ErrorBox error={error ?? action.error} />
      {!data ? <Loading /> : data.entries.length === 0 ? <Empty>{t('noAudit')}</Empty> : (
        <table>
          <thead><tr><th>#</th><th>{t('time')}</th><th>{t('actor')}</th><th>{t('action')}</th><th>{t('target')}</th><th>{t('reasons')}</th></tr></thead>
          <tbody>
            {data.entries.map((e) => (
              <tr key={e.seq}><td className="num">{e.seq}</td><td>{time(e.ts)}</td><td>{e.actor}</td><td><code>{e.action}</code></td><td>{e.target}</td><td>{e.reason}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
