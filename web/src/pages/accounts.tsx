import { useState } from 'react';
import { get, post } from '../api.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, Loading, StateBadge, useAction, useLoad } from '../ui.js';

interface AccountRow {
  address: string;
  name: string;
  state: string;
  disabled: boolean;
  aliases: string[];
}

export function AccountsPage({ can }: { can: (p: string) => boolean }) {
  const { t } = useT();
  const { data, error, reload } = useLoad(() => get<{ accounts: AccountRow[] }>('/api/accounts'));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <>
      <Card title={t('navAccounts')}>
        {data.accounts.length === 0 ? <Empty>{t('noAccounts')}</Empty> : (
          <table>
            <thead><tr><th>{t('address')}</th><th>{t('name')}</th><th>{t('state')}</th><th>{t('aliases')}</th></tr></thead>
            <tbody>
              {data.accounts.map((a) => (
                <tr key={a.address}>
                  <td><a href={`#/accounts/${encodeURIComponent(a.address)}`}>{a.address}</a></td>
                  <td>{a.name}</td>
                  <td><StateBadge state={a.state} /> {a.disabled ? t('disabled') : ''}</td>
                  <td>{a.aliases.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {can('manage-accounts') ? <AddAccount onAdded={reload} /> : null}
    </>
  );
}

function AddAccount({ onAdded }: { onAdded: () => void }) {
  const { t } = useT();
  const [form, setForm] = useState({ address: '', name: '', password: '' });
  const action = useAction();
  return (
    <Card title={t('addAccount')}>
      <form className="inline" onSubmit={(e) => (e.preventDefault(), action.run(() => post('/api/accounts', form), () => (setForm({ address: '', name: '', password: '' }), onAdded())))}>
        <input placeholder={t('address')} value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} required />
        <input placeholder={t('name')} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <input placeholder={t('password')} type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} required />
        <button type="submit" disabled={action.busy}>{t('addAccount')}</button>
      </form>
      <ErrorBox error={action.error} />
    </Card>
  );
}
