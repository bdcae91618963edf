import { writeFile } from 'node:fs/promises';
import { stringify as toYaml } from 'yaml';
import { say, type Text } from '../core/i18n.js';
import { DEFAULT_START, isAttackKind, simulate, simulationConfig } from '../policy/simulation/stream.js';
import type { AttackKind } from '../policy/simulation/attacks.js';
import { fail, parseCommand } from './args.js';
import { writeOut } from './stdout.js';

export const summary: Text = {
  en: 'Write a simulated organisation\'s event stream (with optional attacks) in the replay format',
  ja: '模擬組織のイベント列 (攻撃の注入も可) をリプレイ形式で出力します',
};

const help: Text = {
  en: `Usage: mailwarden simulate [--accounts N] [--days D] [--seed S] [--attack KIND ...] [--start ISO] [--write-config FILE]

Writes a realistic, reproducible event stream to stdout, one JSON object per line in time order:
an organisation of N accounts (default 200) over D days (default 30) with working hours, address
books, a newsletter sender, month-end invoice runs, a recruiting campaign, travel and password
changes. --attack (repeatable) injects: blast, lowslow, hijack, spray, blast-usual, blast-slow,
internal, bcc, drip, proxy, night, multi, mixed, random, contacts, contacts-proxy, sleeper,
trickle, list, lateral, threads, ramp, none. Attack messages have message ids starting with "<atk-". --write-config writes the
matching detection configuration (YAML) to FILE.`,
  ja: `使い方: mailwarden simulate [--accounts N] [--days D] [--seed S] [--attack 種類 ...] [--start ISO] [--write-config ファイル]

再現可能な模擬イベント列を標準出力に時刻順で書き出します (1 行 1 JSON)。N アカウント (既定 200)、
D 日間 (既定 30)、勤務時間、アドレス帳、ニュースレター、月末の請求書送付、採用活動、出張、
パスワード変更を含みます。--attack (複数可) で攻撃を注入します: blast, lowslow, hijack, spray,
blast-usual, blast-slow, internal, bcc, drip, proxy, night, multi, mixed, random, contacts, contacts-proxy,
sleeper, trickle, list, lateral, threads, ramp, none。攻撃メッセージの ID は "<atk-" で始まります。--write-config は対応する検知設定 (YAML) を
ファイルに書きます。`,
};

const badNumber: Text = { en: '--{name} must be a positive whole number', ja: '--{name} には正の整数を指定してください' };
const badAttack: Text = { en: 'Unknown attack "{name}"', ja: '不明な攻撃の種類「{name}」です' };
const bulkNote: Text = {
  en: 'Note: {accounts} sends the organisation\'s newsletter, a declared bulk sender. Replay this stream with its configuration (--write-config FILE, then mailwarden replay --config FILE); without it, the newsletter is judged as an ordinary account\'s mail and restricted like a blast.',
  ja: '注意: {accounts} は組織のニュースレターを送る、宣言済みの一括送信アカウントです。このストリームは設定と一緒に再生してください (--write-config ファイル を付けて生成し、mailwarden replay --config ファイル)。設定がないと、ニュースレターは通常のアカウントの送信として判定され、大量送信と同様に送信停止になります。',
};
const badStart: Text = { en: '--start must be an ISO 8601 date', ja: '--start には ISO 8601 形式の日時を指定してください' };

export async function run(args: string[]): Promise<number> {
  const r = parseCommand(
    args,
    {
      accounts: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      attack: { type: 'string', multiple: true },
      start: { type: 'string' },
      'write-config': { type: 'string' },
    },
    help,
  );
  if ('exitCode' in r) return r.exitCode;
  const v = r.parsed.values;
  const numbers: Record<string, number> = { accounts: 200, days: 30, seed: 1 };
  for (const name of Object.keys(numbers)) {
    if (v[name] === undefined) continue;
    const n = Number(v[name]);
    if (!Number.isInteger(n) || n < 1) return fail(badNumber, { name }, 2);
    numbers[name] = n;
  }
  const attacks: AttackKind[] = [];
  for (const name of (v.attack as string[] | undefined) ?? []) {
    if (name === 'none') continue;
    if (!isAttackKind(name)) return fail(badAttack, { name }, 2);
    attacks.push(name);
  }
  const start = v.start === undefined ? DEFAULT_START : Date.parse(String(v.start));
  if (Number.isNaN(start)) return fail(badStart, {}, 2);
  const sim = simulate({ accounts: numbers.accounts, days: numbers.days, seed: numbers.seed, attacks, start });
  const config = simulationConfig(sim.org);
  if (v['write-config']) await writeFile(String(v['write-config']), toYaml(config));
  else if (config.detection.bulkSenders.length > 0) process.stderr.write(`${say(bulkNote, { accounts: config.detection.bulkSenders.join(', ') })}\n`);
  await writeLines(sim.events);
  return 0;
}

async function writeLines(events: readonly object[]): Promise<void> {
  let out = '';
  for (const ev of events) {
    out += `${JSON.stringify(ev)}\n`;
    if (out.length > 1 << 16) {
      await writeOut(out);
      out = '';
    }
  }
  await writeOut(out);
}
