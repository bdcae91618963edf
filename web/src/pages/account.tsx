import { useState } from 'react';
import { del, enc, get, post } from '../api.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, HourChart, Loading, StateBadge, useAction, useLoad } from '../ui.js';

interface Detail {
  account: { address: string; name: string; state: string; disabled: boolean; aliases: string[]; mustChangePassword: boolean };
  appPasswords: { id: string; label: string; createdAt: string; lastUsedAt: string | null; lastUsedIp: string | null; revokedAt: string | null }[];
  logins: { ts: string; ok: boolean; ip: string | null; country: string | null; asn: number | null; appPassword: boolean }[];
  sending: { hour: string; count: number }[];
  heldCount: number;
  campaign: { until: string; reason: string; by: string } | null;
}

export function AccountPage({ address, can }: { address: string; can: (p: string) => boolean }) {
  const { t, time } = useT();
  const { data, error, reload } = useLoad(() => get<Detail>(`/api/accounts/${enc(address)}`), [address]);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const a = data.account;
  return (
    <div className="grid">
      <Card title={a.address} className="wide">
        <p>{a.name} <StateBadge state={a.state} /> {a.disabled ? t('disabled') : t('enabled')}</p>
        {data.heldCount > 0 ? <p><a href={`#/quarantine/${enc(a.address)}`}>{t('heldCount', { n: data.heldCount })}</a></p> : null}
        {can('contain') ? <Containment address={a.address} restricted={a.state === 'restricted'} onDone={reload} /> : null}
        {data.campaign ? <p className="campaign">{t('campaignUntil', { until: time(data.campaign.until), reason: data.campaign.reason, by: data.campaign.by })}</p> : null}
        {can('contain') && a.state !== 'restricted' ? <Campaign address={a.address} running={data.campaign !== null} onDone={reload} /> : null}
        {can('manage-accounts') ? <ResetPassword address={a.address} /> : null}
      </Card>
      <Card title={t('sending48')} className="wide">
        <HourChart series={data.sending} labels={[t('sending48')]} />
      </Card>
      <AppPasswords address={a.address} rows={data.appPasswords} can={can} onChange={reload} />
      <Logins rows={data.logins} />
    </div>
  );
}

function Containment({ address, restricted, onDone }: { address: string; restricted: boolean; onDone: () => void }) {
  const { t } = useT();
  const [reason, setReason] = useState('');
  const action = useAction();
  const act = (verb: 'restrict' | 'release', releaseHeld = false) =>
    action.run(() => post(`/api/accounts/${enc(address)}/${verb}`, { reason, ...(verb === 'release' ? { releaseHeld } : {}) }), () => (setReason(''), onDone()));
  return (
    <div className="actions">
      <input className="reason" placeholder={t('reason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      {restricted ? (
        <>
          <button type="button" disabled={!reason || action.busy} onClick={() => act('release')}>{t('release')}</button>
          <button type="button" disabled={!reason || action.busy} onClick={() => act('release', true)}>{t('releaseWithHeld')}</button>
        </>
      ) : (
        <button type="button" className="danger" disabled={!reason || action.busy} onClick={() => act('restrict')}>{t('restrict')}</button>
      )}
      <ErrorBox error={action.error} />
    </div>
  );
}

/** A person's campaign allowed ahead of time (a sales push, a greeting to every contact), for up to 72 hours. */
function Campaign({ address, running, onDone }: { address: string; running: boolean; onDone: () => void }) {
  const { t } = useT();
  const [reason, setReason] = useState('');
  const [hours, setHours] = useState('8');
  const action = useAction();
  const send = (body: object) => action.run(() => post(`/api/accounts/${enc(address)}/campaign`, { reason, ...body }), () => (setReason(''), onDone()));
  return (
    <div className="actions">
      <input className="campaign-reason reason" placeholder={t('campaignReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      <label>
        {t('campaignHours')} <input className="campaign-hours" type="number" min={1} max={72} value={hours} onChange={(e) => setHours(e.target.value)} />
      </label>
      <button type="button" disabled={!reason || action.busy} onClick={() => send({ hours: Number(hours) })}>{t('allowCampaign')}</button>
      {running ? <button type="button" disabled={!reason || action.busy} onClick={() => send({ end: true })}>{t('endCampaign')}</button> : null}
      <ErrorBox error={action.error} />
    </div>
  );
}

function ResetPassword({ address }: { address: string }) {
  const { t } = useT();
  const [pw, setPw] = useState('');
  const action = useAction();
  return (
    <form className="actions" onSubmit={(e) => (e.preventDefault(), action.run(() => post(`/api/accounts/${enc(address)}/password`, { password: pw }), () => setPw('')))}>
      <input type="password" autoComplete="new-password" placeholder={t('newPassword')} value={pw} onChange={(e) => setPw(e.target.value)} />
      <button type="submit" disabled={!pw || action.busy}>{t('resetPassword')}</button>
      {action.done ? <span className="ok">{t('done')}</span> : null}
      <ErrorBox error={action.error} />
    </form>
  );
}

function AppPasswords({ address, rows, can, onChange }: { address: string; rows: Detail['appPasswords']; can: (p: string) => boolean; onChange: () => void }) {
  const { t, time } = useT();
  const [label, setLabel] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const action = useAction();
  const create = () => action.run(async () => setShown((await post<{ password: string }>(`/api/accounts/${enc(address)}/app-passwords`, { label })).password), () => (setLabel(''), onChange()));
  return (
    <Card title={t('appPasswords')}>
      {rows.length === 0 ? <Empty>{t('noAppPasswords')}</Empty> : (
        <table>
          <thead><tr><th>{t('label')}</th><th>{t('created')}</th><th>{t('lastUsed')}</th><th>{t('revoked')}</th></tr></thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.id}><td>{p.label}</td><td>{time(p.createdAt)}</td><td>{time(p.lastUsedAt)} {p.lastUsedIp ?? ''}</td><td>{time(p.revokedAt)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {shown ? <p className="secret">{t('shownOnce', { pw: shown })}</p> : null}
      <div className="actions">
        {can('manage-accounts') ? (
          <>
            <input placeholder={t('label')} value={label} onChange={(e) => setLabel(e.target.value)} />
            <button type="button" disabled={!label} onClick={create}>{t('createAppPassword')}</button>
          </>
        ) : null}
        {can('contain') ? <button type="button" className="danger" onClick={() => action.run(() => del(`/api/accounts/${enc(address)}/app-passwords`), onChange)}>{t('revokeAppPasswords')}</button> : null}
      </div>
      <ErrorBox error={action.error} />
    </Card>
  );
}

function Logins({ rows }: { rows: Detail['logins'] }) {
  const { t, time } = useT();
  return (
    <Card title={t('loginHistory')}>
      {rows.length === 0 ? <Empty>{t('noLogins')}</Empty> : (
        <table>
          <thead><tr><th>{t('time')}</th><th>{t('result')}</th><th>{t('network')}</th></tr></thead>
          <tbody>
            {rows.map((l, i) => (
              <tr key={i} className={l.ok ? '' : 'bad'}>
                <td>{time(l.ts)}</td>
                <td>{l.ok ? t('ok') : t('failed')}{l.appPassword ? ' (app)' : ''}</td>
                <td>{[l.ip, l.asn ? `AS${l.asn}` : null, l.country].filter(Boolean).join(' / ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
