/**
 * Detection reasons in Japanese. The engine writes its reasons in English: they are part of the
 * replay output (DESIGN.md) and of the event record, and must stay stable for tools that read
 * them. People read them too (alert mails, the console), so each reason the engine and the rate
 * checks write is matched here and rendered in Japanese, with its numbers and names carried over.
 * A reason not in this table (a newer engine, an administrator's own words) is shown as written.
 *
 * Pure and dependency-free: the console bundles this file as well.
 */

export type ReasonLang = 'en' | 'ja';

type Rule = [RegExp, (m: RegExpExecArray) => string];

const unit = (what: string): string => (what === 'messages' ? '通' : '件');
const span: Record<string, string> = { 'a minute': '1 分間', '10 minutes': '10 分間', 'an hour': '1 時間', 'a day': '1 日' };
const kind = (what: string): string => (what === 'messages' ? 'メール' : '宛先');

/** A count over a window, as the volume signal and the limits write it: "12 messages in 10 minutes". */
function amount(text: string): string | null {
  const m = /^(\d+) (messages|recipients) in (a minute|10 minutes|an hour|a day)$/.exec(text);
  return m ? `${span[m[3]]}に${kind(m[2])} ${m[1]} ${unit(m[2])}` : null;
}

/** Why a probation began (the text inside "probation since … (…)"), and login/submission origins. */
function origin(text: string): string {
  let m = /^new (network|country) (\S+) \(IP (\S+)\)$/.exec(text);
  if (m) return `新しい${m[1] === 'network' ? 'ネットワーク' : '国'} ${m[2]} (IP ${m[3]})`;
  m = /^country (\S+) new to the organisation \(IP (\S+)\)$/.exec(text);
  if (m) return `組織で初めての国 ${m[1]} (IP ${m[2]})`;
  m = /^IP (\S+) that failed logins for (\d+) accounts$/.exec(text);
  if (m) return `${m[2]} 個のアカウントへのログインに失敗した IP ${m[1]}`;
  return text;
}

function probationCause(text: string): string {
  let m = /^login from (.+)$/.exec(text);
  if (m) return `${origin(m[1])}からのログイン`;
  m = /^submission from (.+)$/.exec(text);
  if (m) return `${origin(m[1])}からの送信`;
  m = /^(password|app-password) changed$/.exec(text);
  if (m) return m[1] === 'password' ? 'パスワードの変更' : 'アプリパスワードの変更';
  return text;
}

function budget(text: string): string {
  let m = /^(\d+) external recipients in one message \(budget (\d+)\)$/.exec(text);
  if (m) return `1 通に社外宛先 ${m[1]} 件 (上限 ${m[2]})`;
  m = /^more than (\d+) (messages|external recipients|new recipients) in an hour$/.exec(text);
  if (m) return `1 時間に${m[2] === 'messages' ? 'メール' : m[2] === 'external recipients' ? '社外宛先' : '新規宛先'} ${m[1]} ${m[2] === 'messages' ? '通' : '件'}を超過`;
  return text;
}

const RULES: Rule[] = [
  [/^(\d+)% of (\d+) (external )?recipients(?: \((\d+) of them colleagues\))? in the last hour never mailed before \(usual: up to (\d+) new an hour\)$/, (m) =>
    `直近 1 時間の${m[3] ? '社外' : ''}宛先 ${m[2]} 件${m[4] ? ` (うち社内 ${m[4]} 件)` : ''}のうち ${m[1]}% が初めての宛先 (通常は 1 時間に新規 ${m[5]} 件まで)`],
  [/^(.+); this account's usual maximum is (\d+) (messages|recipients) an hour$/, (m) => `${amount(m[1]) ?? m[1]}。このアカウントの通常の上限は 1 時間に${kind(m[3])} ${m[2]} ${unit(m[3])}`],
  [/^(\d+) messages to (\d+) recipients never mailed before within 5 minutes \(usual: up to (\d+) new an hour\)$/, (m) =>
    `5 分以内に初めての宛先 ${m[2]} 件へ ${m[1]} 通を送信 (通常は 1 時間に新規 ${m[3]} 件まで)`],
  [/^(\d+) messages in the 23 hours before the last \(usual: up to (\d+) a day\)$/, (m) => `直前 1 時間より前の 23 時間にメール ${m[1]} 通 (通常は 1 日に ${m[2]} 通まで)`],
  [/^(\d+) recipients never mailed before within 24 hours \(usual: up to (\d+) a day\)$/, (m) => `24 時間以内に初めての宛先 ${m[1]} 件 (通常は 1 日に新規 ${m[2]} 件まで)`],
  [/^mail in (\d+) of the last 24 hours \(usual: mail at (\d+) hours of the day\)$/, (m) => `直近 24 時間のうち ${m[1]} 時間にわたって送信 (通常は 1 日のうち ${m[2]} 時間帯のみ)`],
  [/^(\d+) messages in a row to people never mailed before, each within (\d+) seconds of the last$/, (m) => `初めての宛先へのメールが ${m[1]} 通連続、それぞれ前の送信から ${m[2]} 秒以内`],
  [/^(\d+) messages in an hour, each on a subject of its own: more conversations than a person answers in an hour$/, (m) =>
    `1 時間に ${m[1]} 通、それぞれ別の件名: 人が 1 時間に返信できる数を超える会話`],
  [/^(\d+) messages within a day only to people never mailed before, from places not yet usual for this account$/, (m) =>
    `このアカウントがまだ使い慣れていない場所から、1 日以内に初めての宛先だけへのメール ${m[1]} 通`],
  [/^same body from (\d+) accounts of the organisation within 6 hours, to people they never mailed$/, (m) => `6 時間以内に組織の ${m[1]} 個のアカウントから同じ本文 (それぞれ初めての宛先へ)`],
  [/^same body (\S+) from (\d+) accounts within 6 hours, each from a network, country or IP not its own$/, (m) => `6 時間以内に ${m[2]} 個のアカウントから同じ本文 "${m[1]}" (それぞれ普段と異なるネットワーク・国・IP から)`],
  [/^sending at an hour this account has never sent at \(one text to many recipients\)$/, () => 'このアカウントが一度も送信したことのない時間帯の送信 (同じ本文を多数の宛先へ)'],
  [/^sending at an hour this account has never sent at \((\d+)% of recipients new\)$/, (m) => `このアカウントが一度も送信したことのない時間帯の送信 (宛先の ${m[1]}% が初めての宛先)`],
  [/^(\d+) recipient domains in the last hour; usual maximum is (\d+)$/, (m) => `直近 1 時間の宛先ドメイン ${m[1]} 件 (通常の上限 ${m[2]} 件)`],
  [/^same body to (\d+) recipients \(new ones counted in full\) within a day$/, (m) => `1 日以内に同じ本文を ${m[1]} 件の宛先へ送信 (新規の宛先を重く計上)`],
  [/^same subject to (\d+) new recipients within a day$/, (m) => `1 日以内に同じ件名を新規の宛先 ${m[1]} 件へ送信`],
  [/^(hard-bounce|complaint) rate ([\d.]+%) \((\d+) of (\d+) recipients in (\d+) hours\)( reached ([\d.]+%))?$/, (m) =>
    `${m[1] === 'hard-bounce' ? 'ハードバウンス' : '苦情'}率 ${m[2]} (${m[5]} 時間で宛先 ${m[4]} 件中 ${m[3]} 件)${m[6] ? `、しきい値 ${m[7]} に到達` : ''}`],
  [/^first use of IP (\S+)( \([^)]*\))?$/, (m) => `IP ${m[1]}${m[2] ?? ''} を初めて使用`],
  [/^new network (\S+)( \(known to the organisation\))?$/, (m) => `新しいネットワーク ${m[1]}${m[2] ? ' (組織内では利用実績あり)' : ''}`],
  [/^new country (\S+)$/, (m) => `新しい国 ${m[1]}`],
  [/^(network|country) (\S+) not yet usual for this account$/, (m) => `${m[1] === 'network' ? 'ネットワーク' : '国'} ${m[2]} はこのアカウントではまだ通常の利用元ではない`],
  [/^(\d+) IPs submitting for this account within (10 minutes|an hour)$/, (m) => `${span[m[2]]}に ${m[1]} 個の IP からこのアカウントで送信`],
  [/^unusual client "(.*)"$/, (m) => `普段と異なるメールソフト "${m[1]}"`],
  [/^(\d+) failed logins in the last hour$/, (m) => `直近 1 時間にログイン失敗 ${m[1]} 回`],
  [/^IP (\S+) new to each of (\d+) accounts sending from it within an hour$/, (m) => `どのアカウントにとっても新しい IP ${m[1]} から、1 時間以内に ${m[2]} 個のアカウントが送信`],
  [/^(\d+) accounts mailing people never mailed before from (network|country) (\S+), new to each of them, within 6 hours$/, (m) =>
    `どのアカウントにとっても新しい${m[2] === 'network' ? 'ネットワーク' : '国'} ${m[3]} から、6 時間以内に ${m[1]} 個のアカウントが初めての宛先へ送信`],
  [/^IP (\S+) failed logins for (\d+) accounts$/, (m) => `IP ${m[1]} が ${m[2]} 個のアカウントへのログインに失敗`],
  [/^over limit: (\d+) recipients in one message \(limit (\d+)\)$/, (m) => `上限超過: 1 通に宛先 ${m[1]} 件 (上限 ${m[2]})`],
  [/^over limit: (\d+) recipient domains in an hour \(limit (\d+)\)$/, (m) => `上限超過: 1 時間に宛先ドメイン ${m[1]} 件 (上限 ${m[2]})`],
  [/^over limit: (\d+ (?:messages|recipients) in (?:a minute|an hour|a day)) \(limit (\d+)\)$/, (m) => `上限超過: ${amount(m[1]) ?? m[1]} (上限 ${m[2]})`],
  // Cluster-wide limits and the fallback while Redis is away (src/cluster): the first reason of a refused attempt.
  [/^cluster over limit: (\d+) (messages|recipients|recipient domains) in a (minute|hour|day) across all nodes \(limit (\d+)\)$/, (m) =>
    `上限超過 (全ノード合計): ${{ minute: '1 分間', hour: '1 時間', day: '1 日' }[m[3] as 'minute' | 'hour' | 'day']}に${m[2] === 'recipient domains' ? '宛先ドメイン' : kind(m[2])} ${m[1]} ${unit(m[2])} (上限 ${m[4]})`],
  [/^local fallback (.+); limits divided by (\d+) while Redis is unreachable$/, (m) => `${reasonText(m[1], 'ja')} (Redis に接続できない間は上限を ${m[2]} で割って適用)`],
  [/^cluster: Redis unreachable; accounts on watch are deferred until it is back$/, () => 'Redis に接続できないため、監視中のアカウントは復旧まで再送を求める'],
  [/^account restricted cluster-wide: (.*)$/, (m) => `全ノードで送信停止中: ${reasonText(m[1], 'ja')}`],
  [/^probation since (\S+) \((.+)\): (.+)$/, (m) => `${m[1]} からの試用期間中 (${probationCause(m[2])}): ${budget(m[3])}`],
  [/^probation since (\S+) \((.+)\)$/, (m) => `${m[1]} からの試用期間中 (${probationCause(m[2])})`],
  [/^score (\d+) at or above the hold threshold (\d+)( \(account on watch\))?$/, (m) => `スコア ${m[1]} が保留のしきい値 ${m[2]} 以上${m[3] ? ' (監視中のアカウント)' : ''}`],
  [/^account restricted$/, () => 'アカウントは送信停止中'],
  [
    /^sender <(.*)> \((MAIL FROM|From header|Sender header)\) is not this account's address or one of its aliases$/,
    (m) => `送信者 <${m[1]}> (${m[2] === 'From header' ? 'From ヘッダー' : m[2] === 'Sender header' ? 'Sender ヘッダー' : 'MAIL FROM'}) はこのアカウントのアドレスでもエイリアスでもありません`,
  ],
  [/^shadow: would (defer|hold|reject)$/, (m) => `シャドーモード: 本来は${{ defer: '後で再送を求める', hold: '保留 (隔離)', reject: '拒否' }[m[1] as 'defer' | 'hold' | 'reject']}`],
  [/^risk (\d+) over the last day \(half-life ([\d.]+) hours\) reached the restriction threshold (\d+)$/, (m) =>
    `直近 1 日のリスク ${m[1]} (半減期 ${m[2]} 時間) が送信停止のしきい値 ${m[3]} に到達`],
  [/^risk (\d+) reached the (restriction|watch) threshold (\d+)$/, (m) => `リスク ${m[1]} が${m[2] === 'restriction' ? '送信停止' : '監視'}のしきい値 ${m[3]} に到達`],
  [/^risk fell to (\d+), below (\S+)$/, (m) => `リスクが ${m[1]} に下がり、${m[2]} を下回った`],
  [/^(released|restricted) by administrator: (.*)$/, (m) => `管理者による${m[1] === 'released' ? '解除' : '送信停止'}: ${m[2]}`],
  [/^restricted before restart$/, () => '再起動前から送信停止中'],
];

/** The reason in the given language; English is the engine's own text. */
export function reasonText(reason: string, lang: ReasonLang): string {
  if (lang === 'en') return reason;
  for (const [re, render] of RULES) {
    const m = re.exec(reason);
    if (m) return render(m);
  }
  return reason;
}

/**
 * Reasons joined with "; " (as a quarantine entry or an audit record keeps them) in the given
 * language. Some reasons hold "; " themselves, so two neighbouring pieces are tried together first.
 */
export function reasonListText(joined: string, lang: ReasonLang): string {
  if (lang === 'en') return joined;
  const pieces = joined.split('; ');
  const out: string[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i + 1 < pieces.length) {
      const pair = `${pieces[i]}; ${pieces[i + 1]}`;
      const text = reasonText(pair, lang);
      if (text !== pair) {
        out.push(text);
        i++;
        continue;
      }
    }
    out.push(reasonText(pieces[i], lang));
  }
  return out.join('; ');
}

/** A place as the engine names it (`network X`, `country XX`, or one text: `body TAG`) in the reader's language. */
export function placeText(where: string, lang: ReasonLang): string {
  if (where.startsWith('body ')) return lang === 'ja' ? `同一本文 (本文 ${where.slice(5)})` : `one text (body ${where.slice(5)})`;
  if (lang !== 'ja') return where;
  return where.replace(/^network /, 'ネットワーク ').replace(/^country /, '国 ');
}
