import { del, enc, get, post } from '../api.js';
import { useT } from '../i18n.js';
import { Card, Empty, ErrorBox, Loading, useAction, useLoad } from '../ui.js';
import type { Msg } from './quarantine.js';

export function QueuePage({ can }: { can: (p: string) => boolean }) {
  const { t, time } = useT();
  const { data, error, reload } = useLoad(() => get<{ messages: Msg[]; counts: Record<string, number> }>('/api/queue'));
  const action = useAction();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <Card title={`${t('navQueue')} (${data.counts.queued ?? 0}) · ${t('held')} ${data.counts.held ?? 0}`}>
      {data.messages.length === 0 ? <Empty>{t('noQueue')}</Empty> : (
        <table>
          <thead><tr><th>{t('time')}</th><th>{t('account')}</th><th>{t('to')}</th><th>{t('attempts')}</th><th>{t('nextAttempt')}</th><th /></tr></thead>
          <tbody>
            {data.messages.map((m) => (
              <tr key={m.id}>
                <td>{time(m.createdAt)}</td>
                <td>{m.account}</td>
                <td>{m.recipients.map((r) => `${r.address} (${r.status}${r.lastReply ? `: ${r.lastReply}` : ''})`).join(', ')}</td>
                <td className="num">{m.attempts}</td>
                <td>{time(m.nextAttemptAt)}</td>
                <td>
                  {can('manage-queue') ? (
                    <>
                      <button type="button" onClick={() => action.run(() => post(`/api/queue/${enc(m.id)}/retry`), reload)}>{t('retry')}</button>
                      <button type="button" className="danger" onClick={() => action.run(() => del(`/api/queue/${enc(m.id)}`), reload)}>{t('delete')}</button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={action.error} />
    </Card>
  );
}
