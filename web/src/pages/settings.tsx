import { get } from '../api.js';
import { useT } from '../i18n.js';
import { Card, ErrorBox, Loading, useLoad } from '../ui.js';

export function SettingsPage() {
  const { t, pick } = useT();
  const { data, error } = useLoad(() => get<{ config: unknown; shadowMode: boolean; howToChange: { en: string; ja: string } }>('/api/settings'));
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <Card title={t('navSettings')}>
      <p className="muted">{t('settingsIntro')}</p>
      <p>{t('shadowMode')}: <strong>{data.shadowMode ? t('on') : t('off')}</strong> — <span className="muted">{pick(data.howToChange)}</span></p>
      <pre className="body">{JSON.stringify(data.config, null, 2)}</pre>
    </Card>
  );
}
