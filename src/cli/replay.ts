import { closeSync, openSync, readSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { say, type Text } from '../core/i18n.js';
import { GeoDb, isNonPublic, locationOf } from '../auth/geo.js';
import type { AuthEvent, SubmitDecision, SubmitEvent } from '../events/replay.js';
import type { DetectionConfig } from '../policy/config.js';
import { detectionDefaults } from '../policy/detection-defaults.js';
import { DetectionEngine } from '../policy/engine.js';
import { parseReplayLine } from '../policy/replay-input.js';
import { WARM_UP_MEMORY, warmUpLines } from '../policy/warm-up.js';
import { strings } from '../policy/window.js';
import { fail, parseCommand } from './args.js';
import { tuneCompiler } from './replay-tuning.js';
import { writeOut } from './stdout.js';

export const summary: Text = {
  en: 'Run the detection engine over a recorded event stream and print its verdicts (backtesting)',
  ja: '記録されたイベント列に検知エンジンを適用し、判定結果を出力します (バックテスト)',
};

const help: Text = {
  en: `Usage: mailwarden replay [--config FILE] [--no-geo] EVENTS.jsonl   (use - for stdin)

Runs the detection engine over a timestamped event stream (one JSON object per line) without any
network or store side effects, and prints one JSON line per submission verdict, one per change
of account state, and a final summary line. Warnings go to stderr.

  --config FILE   YAML detection configuration (its "detection:" key, or the whole document)
  --no-geo        Do not look up where client addresses are. By default, as the gateway does
                  (auth.geo), an auth or submit event with neither "country" nor "asn" gets them
                  from the bundled offline data; a configuration with auth.geo: false turns it off`,
  ja: `使い方: mailwarden replay [--config ファイル] [--no-geo] EVENTS.jsonl   (- で標準入力)

タイムスタンプ付きイベント列 (1 行 1 JSON) に検知エンジンを適用します。ネットワークやストアには
一切触れません。送信ごとの判定、アカウント状態の変化、最後に集計を JSON で 1 行ずつ出力します。
警告は標準エラーに出ます。

  --config ファイル   YAML の検知設定 ("detection:" キー、なければ文書全体)
  --no-geo          クライアントアドレスの所在を調べません。既定ではゲートウェイと同じく (auth.geo)、
                    "country" も "asn" もない auth・submit イベントに同梱のオフラインデータから
                    国とネットワークを補います。設定の auth.geo: false でも無効になります`,
};

const needOneFile: Text = {
  en: 'Give exactly one event file (or - for stdin).',
  ja: 'イベントファイルを 1 つだけ指定してください (標準入力は -)。',
};
const badConfig: Text = { en: 'Cannot use configuration {file}: {error}', ja: '設定 {file} を使えません: {error}' };
const badInput: Text = { en: 'Cannot read {file}: {error}', ja: '{file} を読めません: {error}' };
const sendersRefused: Text = {
  en: '{n} submission(s) refused because the sender is neither the account\'s address nor an alias the configuration gives it (as the gateway refuses them). If some are aliases, list them under accounts.ADDRESS.aliases in the configuration: "mailwarden user aliases" prints them from the gateway\'s accounts.',
  ja: '送信者がアカウント自身のアドレスでも設定にある別名でもないため、{n} 件の送信を拒否しました (ゲートウェイと同じ扱い)。別名の場合は設定の accounts.アドレス.aliases に列挙してください。"mailwarden user aliases" でゲートウェイのアカウントから出力できます。',
};
const badLine: Text = { en: 'line {line}: {error}; skipped', ja: '{line} 行目: {error}。スキップしました' };
const noGeo: Text = {
  en: 'IP location data unavailable ({error}): events without country and network are replayed without them, as the gateway would take them. Reinstall with "npm ci", or pass --no-geo.',
  ja: 'IP 位置データを読み込めません ({error})。国とネットワークのないイベントはそのまま判定します (ゲートウェイでも同じ扱いです)。"npm ci" で入れ直すか、--no-geo を指定してください。',
};

export async function run(args: string[]): Promise<number> {
  const r = parseCommand(args, { config: { type: 'string' }, 'no-geo': { type: 'boolean' } }, help);
  if ('exitCode' in r) return r.exitCode;
  const { values, positionals } = r.parsed;
  if (positionals.length !== 1) return fail(needOneFile, {}, 2);
  const file = positionals[0];
  let cfg: DetectionConfig;
  let geo: boolean;
  try {
    ({ detection: cfg, geo } = await loadReplayConfig(values.config as string | undefined));
  } catch (err) {
    return fail(badConfig, { file: String(values.config), error: (err as Error).message }, 2);
  }
  tuneCompiler();
  warmUp(cfg);
  try {
    await replayStream(file, new DetectionEngine(cfg, { checkSenders: true }), geo && values['no-geo'] !== true ? new Locator() : null);
  } catch (err) {
    return fail(badInput, { file, error: (err as Error).message }, 2);
  }
  return 0;
}

/**
 * Runs the engine's code over a short made-up stream (`warmUpLines`) in a replay of its own, whose
 * engine and output are thrown away, so that V8 has seen every branch of the per-event path before
 * it compiles it (see `src/policy/warm-up.ts`). The same configuration object, so that the code
 * sees the one configuration it will read; small capacities, so that every table fills and
 * forgets within those few hundred events.
 */
function warmUp(cfg: DetectionConfig): void {
  const r = new Replay(new DetectionEngine(cfg, { checkSenders: true, memory: WARM_UP_MEMORY }));
  for (const line of warmUpLines()) r.event(line, !line.includes('\\'));
}

/**
 * A YAML file whose `detection:` key, or else whole document, is the detection configuration;
 * and whether to locate client addresses: yes, as the gateway does by default, unless a gateway
 * configuration (one with a `detection:` key) says `auth: { geo: false }`. The YAML parser and the
 * schema are loaded only when there is a file; without one, the defaults come ready-made.
 */
export async function loadReplayConfig(path: string | undefined): Promise<{ detection: DetectionConfig; geo: boolean }> {
  if (!path) return { detection: detectionDefaults(), geo: true };
  const [{ parse: parseYaml }, { detectionConfigSchema }] = await Promise.all([import('yaml'), import('../policy/config.js')]);
  const doc: unknown = parseYaml(await readFile(path, 'utf8')) ?? {};
  const gateway = typeof doc === 'object' && doc !== null && 'detection' in doc;
  const section = gateway ? (doc as { detection: unknown }).detection : doc;
  const parsed = detectionConfigSchema.safeParse(section ?? {});
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const auth = gateway ? (doc as { auth?: unknown }).auth : undefined;
  const geo = !(typeof auth === 'object' && auth !== null && (auth as { geo?: unknown }).geo === false);
  return { detection: parsed.data, geo };
}

/**
 * Where client addresses are, for events that do not say: the gateway's pipeline adds the
 * country and network (ASN) of each login and submission from the bundled offline data
 * (`src/auth/logins.ts`), so its recorded events carry them, and replay adds them to an auth or
 * submit event that has neither, so that a stream with addresses only is judged as the gateway
 * would judge it. The tables come from `dist/geo-ranges.bin` (made by `npm run build`; a few
 * milliseconds), or else from the packages' CSV files (a quarter of a second), loaded at the first
 * public address; each address is looked up once. Data that cannot be loaded: a warning, and
 * the events go on without location, as the gateway's would (fail open).
 */
export class Locator {
  private readonly known = new Map<string, { country?: string; asn?: number }>();
  private db: GeoDb | null = null;
  private broken = false;

  constructor(
    private readonly rangesFile: string = fileURLToPath(new URL('../geo-ranges.bin', import.meta.url)),
    private readonly open: (rangesFile: string) => GeoDb = (file) => new GeoDb(undefined, file),
  ) {}

  fill(ev: SubmitEvent | AuthEvent): void {
    let at = this.known.get(ev.ip);
    if (at === undefined) {
      at = this.find(ev.ip);
      if (this.known.size >= KNOWN_PLACES) this.known.clear();
      this.known.set(ev.ip, at);
    }
    if (at.country !== undefined) ev.country = at.country;
    if (at.asn !== undefined) ev.asn = at.asn;
  }

  private find(ip: string): { country?: string; asn?: number } {
    if (this.broken || isNonPublic(ip)) return NOWHERE;
    try {
      this.db ??= this.open(this.rangesFile);
      return locationOf(this.db.lookup(ip));
    } catch (err) {
      this.broken = true;
      process.stderr.write(`${say(noGeo, { error: (err as Error).message })}\n`);
      return NOWHERE;
    }
  }
}

const NOWHERE: { country?: string; asn?: number } = Object.freeze({});
/** Addresses whose location is kept; past it the memory starts again. */
const KNOWN_PLACES = 1 << 16;

interface Tally {
  submits: number;
  accepted: number;
  deferred: number;
  rejected: number;
  held: number;
}

/**
 * Streams lines through the engine. Input is read in large chunks and cut into lines before
 * decoding (LineSplitter); readline's per-line events would cost more than parsing the line. A
 * file is read synchronously (no promise per chunk); stdin is a stream. Output is gathered into
 * large chunks, because one write per event would cost more than the engine itself.
 */
async function replayStream(file: string, engine: DetectionEngine, locator: Locator | null): Promise<void> {
  const r = new Replay(engine, locator);
  const lines = new LineSplitter((line, plain) => r.event(line, plain));
  if (file === '-') {
    for await (const chunk of process.stdin) {
      lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      if (r.out.length > OUT_CHUNK) await r.flush();
    }
  } else {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      for (let n = readSync(fd, buf, 0, READ_CHUNK, null); n > 0; n = readSync(fd, buf, 0, READ_CHUNK, null)) {
        lines.push(buf.subarray(0, n));
        if (r.out.length > OUT_CHUNK) await r.flush();
      }
    } finally {
      closeSync(fd);
    }
  }
  lines.end();
  r.out += `${JSON.stringify({ type: 'summary', ...r.tally(), restricted: r.restricted })}\n`;
  await r.flush();
  if (r.refusedSenders > 0) process.stderr.write(`${say(sendersRefused, { n: r.refusedSenders })}\n`);
}

const READ_CHUNK = 1 << 16;
const OUT_CHUNK = 1 << 16;

/**
 * Cuts bytes into lines and decodes each line on its own (`Buffer#toString`, broken UTF-8
 * replaced). A line feed byte never occurs inside a UTF-8 sequence, so a line decodes exactly as
 * it would within the whole input; a line of ASCII becomes a one-byte string, which JSON.parse
 * and every later step read faster than the two-byte slices of a decoded chunk (a stream is two
 * thirds Japanese). Bytes after the last line feed wait for the next chunk; a chunk without any
 * line feed is kept whole (a very long line is still one line).
 *
 * A carriage return also ends a line, as it does for readline: CRLF counts as one end, a lone CR
 * as one. A byte-order mark at the very start of the input (Windows tools write one) is dropped,
 * so that the first event is not lost; anywhere else it stays, as toString keeps it.
 *
 * Each line goes to the sink with whether it is free of backslashes (`plain`): JSON strings
 * without escapes need none when written again (see decisionLine). Backslashes are looked for like
 * carriage returns, once per chunk and again only after one is passed.
 */
export class LineSplitter {
  private held: Buffer[] = [];
  private first = true;

  constructor(private readonly sink: (line: string, plain: boolean) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.held.length > 0) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.held.push(Buffer.from(chunk));
        return;
      }
      this.held.push(chunk.subarray(0, nl));
      const line = Buffer.concat(this.held);
      this.held = [];
      this.line(line, 0, line.length, line.indexOf(13), line.indexOf(92));
      start = nl + 1;
    }
    const n = chunk.length;
    // The next carriage return and backslash (-1: none left), each searched again only once
    // passed: most input has neither.
    let cr = chunk.indexOf(13, start);
    let bs = chunk.indexOf(92, start);
    while (start < n) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) {
        this.held.push(Buffer.from(chunk.subarray(start)));
        return;
      }
      if (cr >= 0 && cr < start) cr = chunk.indexOf(13, start);
      if (bs >= 0 && bs < start) bs = chunk.indexOf(92, start);
      this.line(chunk, start, nl, cr, bs);
      start = nl + 1;
    }
  }

  end(): void {
    if (this.held.length === 0) return;
    const line = Buffer.concat(this.held);
    this.held = [];
    this.line(line, 0, line.length, line.indexOf(13), line.indexOf(92));
  }

  /**
   * The bytes `[start, end)` before a line feed; `cr` and `bs` are the next carriage return and
   * backslash from start on, or -1.
   */
  private line(buf: Buffer, start: number, end: number, cr: number, bs: number): void {
    if (this.first) {
      this.first = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    if (end > start && buf[end - 1] === 13) end--;
    const plain = bs < start || bs >= end;
    if (cr >= start && cr < end) for (const part of buf.toString('utf8', start, end).split('\r')) this.sink(part, plain || !part.includes('\\'));
    else this.sink(buf.toString('utf8', start, end), plain);
  }
}

/** One replay run: the engine, the tally for the summary, and the output not yet written. */
class Replay {
  /**
   * Submissions by verdict. A Map rather than a chain of comparisons: the optimiser compiles the
   * chain before the first deferral or rejection of the stream has been seen, and the first one
   * then throws away the code of everything compiled around it (the whole per-event path).
   */
  private readonly verdicts = new Map<string, number>();
  private submits = 0;
  /** Submissions refused because their sender is not the account's (see `src/policy/identity.ts`). */
  refusedSenders = 0;
  /** Holding strings from the start, as the warm-up's did when `includes` was first compiled (see `strings`). */
  readonly restricted = strings();
  out = '';
  private lineNo = 0;

  constructor(
    private readonly engine: DetectionEngine,
    private readonly locator: Locator | null = null,
  ) {}

  event(line: string, plain = false): void {
    this.lineNo++;
    if (isBlank(line)) return;
    const parsed = parseReplayLine(line);
    if ('error' in parsed) {
      process.stderr.write(`${say(badLine, { line: this.lineNo, error: say(parsed.error, parsed.params) })}\n`);
      return;
    }
    const ev = parsed.event;
    if (this.locator !== null && (ev.type === 'submit' || ev.type === 'auth') && ev.country === undefined && ev.asn === undefined) this.locator.fill(ev);
    const result = this.engine.process(ev, parsed.ts);
    if (result.decision) {
      const v = result.decision.verdict;
      this.submits++;
      this.verdicts.set(v, (this.verdicts.get(v) ?? 0) + 1);
      if (v === 'reject' && result.decision.reasons.some(isSenderReason)) this.refusedSenders++;
      this.out += decisionLine(result.decision, plain);
    }
    for (const c of result.changes) {
      if (c.state === 'restricted' && !this.restricted.includes(c.account)) this.restricted.push(c.account);
      this.out += `${JSON.stringify(c)}\n`;
    }
  }

  tally(): Tally {
    const accepted = this.verdicts.get('accept') ?? 0;
    const deferred = this.verdicts.get('defer') ?? 0;
    const rejected = this.verdicts.get('reject') ?? 0;
    return { submits: this.submits, accepted, deferred, rejected, held: this.submits - accepted - deferred - rejected };
  }

  async flush(): Promise<void> {
    const chunk = this.out;
    this.out = '';
    await writeOut(chunk);
  }
}

/** Whether a verdict's reason is a refused sender's (`senderReason`). */
function isSenderReason(reason: string): boolean {
  return reason.startsWith('sender <');
}

/** Whether a line holds only white space (what `trim() === ''` says, without a new string). */
function isBlank(line: string): boolean {
  const c = line.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return line.trim() === '';
}

/**
 * Whether JSON.stringify might escape something in the string: a quote, a backslash, a control
 * character or a surrogate (paired surrogates it leaves alone; this answers yes for them too, and
 * JSON.stringify then decides). A loop rather than a regular expression: reasons are built by
 * concatenation, and a regular expression on a concatenated string leaves its fast path for a
 * call into the runtime on every test.
 */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** The string as JSON.stringify writes it; most strings need no escape and are only quoted. */
function quote(s: string): string {
  return needsEscape(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * A decision as one JSON line, byte for byte what JSON.stringify gives (tested), built directly
 * because it is written for every submission and the generic serialiser costs more than half again.
 * `plain` says that the time, account and message ID come from an input line without a backslash:
 * JSON without escapes cannot hold a quote, a backslash, a control character or a lone surrogate
 * inside a string, so those three are only quoted. The verdict is one of four plain words.
 */
export function decisionLine(d: SubmitDecision, plain = false): string {
  let reasons = '';
  for (let i = 0; i < d.reasons.length; i++) reasons += i === 0 ? quote(d.reasons[i]) : `,${quote(d.reasons[i])}`;
  const score = Number.isFinite(d.score) ? String(d.score) : 'null';
  const head = plain ? `{"ts":"${d.ts}","account":"${d.account}","messageId":"${d.messageId}"` : `{"ts":${quote(d.ts)},"account":${quote(d.account)},"messageId":${quote(d.messageId)}`;
  return `${head},"verdict":"${d.verdict}","score":${score},"reasons":[${reasons}]}\n`;
}
