import { useState, type FormEvent } from 'react';
import { post } from '../api.js';
import type { Me } from '../app.js';
import { LangSwitch } from '../app.js';
import { useT } from '../i18n.js';
import { ErrorBox } from '../ui.js';

export function SignInPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useT();
  const [form, setForm] = useState({ username: '', password: '', code: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post<Me>('/api/session', form));
    } catch (err) {
      setError(err);
      setForm((f) => ({ ...f, code: '' }));
    } finally {
      setBusy(false);
    }
  };
  const field = (key: keyof typeof form, label: string, type: string, auto: string) => (
    <label>
      {label}
      <input name={key} type={type} autoComplete={auto} required value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </label>
  );
  return (
    <div className="sign-in">
      <form onSubmit={submit} className="card">
        <h1>{t('appName')}</h1>
        {field('username', t('username'), 'text', 'username')}
        {field('password', t('password'), 'password', 'current-password')}
        {field('code', t('code'), 'text', 'one-time-code')}
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>{t('signIn')}</button>
        <p className="muted">{t('signInHelp')}</p>
        <LangSwitch />
      </form>
    </div>
  );
}
