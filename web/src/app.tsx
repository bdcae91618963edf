import { useEffect, useState } from 'react';
import { get, del, setCsrf, whenSignedOut } from './api.js';
import { initialLang, LangContext, useT, type Lang } from './i18n.js';
import { AccountPage } from './pages/account.js';
import { AccountsPage } from './pages/accounts.js';
import { AuditPage } from './pages/audit.js';
import { BouncesPage } from './pages/bounces.js';
import { DashboardPage } from './pages/dashboard.js';
import { IncidentPage } from './pages/incident.js';
import { IncidentsPage } from './pages/incidents.js';
import { PlaceIncidentPage } from './pages/place-incident.js';
import { QuarantinePage } from './pages/quarantine.js';
import { QueuePage } from './pages/queue.js';
import { SettingsPage } from './pages/settings.js';
import { SignInPage } from './pages/sign-in.js';
import type { TextKey } from './texts.js';

export interface Me {
  username: string;
  role: string;
  permissions: string[];
  csrfToken: string;
  recoveryCodesLeft: number;
}

const NAV: [string, TextKey][] = [
  ['dashboard', 'navDashboard'],
  ['accounts', 'navAccounts'],
  ['incidents', 'navIncidents'],
  ['quarantine', 'navQuarantine'],
  ['queue', 'navQueue'],
  ['bounces', 'navBounces'],
  ['audit', 'navAudit'],
  ['settings', 'navSettings'],
];

/** Hash routes (#/accounts/x@y) keep the server simple: it only ever serves index.html. */
function useRoute(): string[] {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'dashboard').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const setLang = (l: Lang) => {
    localStorage.setItem('mw-lang', l);
    setLangState(l);
  };
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    whenSignedOut(() => setMe(null));
    get<Me>('/api/session').then(
      (m) => (setCsrf(m.csrfToken), setMe(m)),
      () => setMe(null),
    );
  }, []);
  const signedIn = (m: Me) => (setCsrf(m.csrfToken), setMe(m));
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      {me === undefined ? null : me === null ? <SignInPage onSignedIn={signedIn} /> : <Shell me={me} onSignedOut={() => setMe(null)} />}
    </LangContext.Provider>
  );
}

function Shell({ me, onSignedOut }: { me: Me; onSignedOut: () => void }) {
  const { t } = useT();
  const route = useRoute();
  const signOut = async () => {
    await del('/api/session').catch(() => undefined);
    onSignedOut();
  };
  return (
    <div className="shell">
      <header>
        <span className="brand">{t('appName')}</span>
        <nav>
          {NAV.map(([path, key]) => (
            <a key={path} href={`#/${path}`} className={route[0] === path ? 'active' : ''}>
              {t(key)}
            </a>
          ))}
        </nav>
        <span className="me">{t('signedInAs', { name: me.username, role: me.role })}</span>
        <LangSwitch />
        <button type="button" onClick={signOut}>{t('signOut')}</button>
      </header>
      {me.recoveryCodesLeft < 3 ? <div className="warn">{t('recoveryLow', { n: me.recoveryCodesLeft })}</div> : null}
      <main>
        <Page route={route} me={me} />
      </main>
    </div>
  );
}

export function LangSwitch() {
  const { lang, t } = { ...useT() };
  return (
    <LangContext.Consumer>
      {({ setLang }) => (
        <button type="button" className="lang" onClick={() => setLang(lang === 'en' ? 'ja' : 'en')}>
          {t('language')}
        </button>
      )}
    </LangContext.Consumer>
  );
}

function Page({ route, me }: { route: string[]; me: Me }) {
  const can = (p: string) => me.permissions.includes(p);
  switch (route[0]) {
    case 'accounts':
      return route[1] ? <AccountPage address={route[1]} can={can} /> : <AccountsPage can={can} />;
    case 'incidents':
      if (route[1] === 'place' && route[2]) return <PlaceIncidentPage id={route[2]} can={can} />;
      return route[1] ? <IncidentPage id={Number(route[1])} can={can} /> : <IncidentsPage />;
    case 'quarantine':
      return <QuarantinePage can={can} account={route[1]} />;
    case 'queue':
      return <QueuePage can={can} />;
    case 'bounces':
      return <BouncesPage />;
    case 'audit':
      return <AuditPage />;
    case 'settings':
      return <SettingsPage />;
    default:
      return <DashboardPage />;
  }
}
