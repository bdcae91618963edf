import { get } from '../api.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, Loading, useLoad } from '../ui.js';

interface Ev {
  id: number;
  ts: string;
  code: string;
  account: string | null;
  data: Record<string, unknown>;
}

/** Shows whatever bounce and suppression events the gateway records, whichever codes they use. */
export function BouncesPage() {
  const { t, time } = useT();
  const { data, error } = useLoad(() => get<{ events: Ev[] }>('/api/events?limit=2000'));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const rows = data.events.filter((e) => e.code.startsWith('bounce:') || e.code.startsWith('suppression:') || e.code === 'delivery:failed');
  return (
    <Card title={t('navBounces')}>
      <p className="muted">{t('bouncesIntro')}</p>
      {rows.length === 0 ? <Empty>{t('noBounces')}</Empty> : (
        <table>
          <thead><tr><th>{t('time')}</th><th>{t('account')}</th><th>{t('action')}</th><th>{t('to')}</th><th /></tr></thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td>{time(e.ts)}</td>
                <td>{e.account}</td>
                <td><code>{e.code}</code></td>
                <td>{String(e.data.rcpt ?? e.data.recipient ?? e.data.address ?? '')}</td>
                <td className="muted">{String(e.data.status ?? '')} {String(e.data.reason ?? e.data.reply ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
