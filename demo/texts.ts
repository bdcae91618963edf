import type { Text } from '../src/core/i18n.js';

export const texts = {
  started: { en: 'Gateway running (submission STARTTLS 127.0.0.1:{port}), next hop on 127.0.0.1:{hop}.', ja: 'ゲートウェイ起動 (STARTTLS 送信受付 127.0.0.1:{port})、次ホップ 127.0.0.1:{hop}。' },
  history: { en: '21 days of tanaka@example.co.jp\'s ordinary mail learned (office IP, usual contacts, Thunderbird).', ja: 'tanaka@example.co.jp の 21 日分の通常の送信を学習しました (社内 IP、いつもの宛先、Thunderbird)。' },
  normal: { en: 'Normal office traffic: {count} messages sent from the office, {relayed} relayed.', ja: '通常の業務メール: 社内から {count} 通送信し、{relayed} 通を中継しました。' },
  attack: { en: 'The password has leaked. Blast from {ip}: 2,000 messages at 20 a second, 30% invalid recipients...', ja: 'パスワードが漏洩しました。{ip} から大量送信: 毎秒 20 通で 2,000 通、宛先の 30% は存在しないアドレス...' },
  summary: { en: '\nWhat happened:', ja: '\n結果:' },
  attempted: { en: '  attacker submissions attempted: {attempted}; answered "250": {accepted}', ja: '  攻撃者の送信試行: {attempted} 通、「250」応答: {accepted} 通' },
  relayed: { en: '  spam relayed to the internet before containment: {count}', ja: '  封じ込めまでに中継されたスパム: {count} 通' },
  seconds: { en: '  seconds from the first spam submission to restriction: {seconds}', ja: '  最初のスパム送信から停止までの秒数: {seconds}' },
  reasons: { en: '  why:\n    {reasons}', ja: '  理由:\n    {reasons}' },
  quarantine: { en: '  messages held in quarantine (not relayed): {count}', ja: '  隔離中のメール (未中継): {count} 通' },
  alertMail: { en: '  alert mail to it@example.co.jp: "{subject}"', ja: '  it@example.co.jp への通知メール: 「{subject}」' },
  noAlert: { en: '  no alert mail was relayed yet', ja: '  通知メールはまだ中継されていません' },
  webhook: { en: '  webhook calls: {count}', ja: '  Webhook 呼び出し: {count} 件' },
  state: { en: '  account state now: {state}', ja: '  現在のアカウント状態: {state}' },
} satisfies Record<string, Text>;
