import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { parse as parseYaml } from 'yaml';
import { say, type Text } from '../core/i18n.js';
import { detectionConfigSchema, type DetectionConfig } from '../policy/config.js';
import { DetectionEngine } from '../policy/engine.js';
import { parseReplayLine } from '../policy/replay-input.js';
import { fail, parseCommand } from './args.js';

export const summary: Text = {
  en: 'Run the detection engine over a recorded event stream and print its verdicts (backtesting)',
  ja: '記録されたイベント列に検知エンジンを適用し、判定結果を出力します (バックテスト)',
};

const help: Text = {
  en: `Usage: mailwarden replay [--config FILE] EVENTS.jsonl   (use - for stdin)

Runs the detection engine over a timestamped event stream (one JSON object per line) without any
network or store side effects, and prints one JSON line per submission verdict, one per change
of account state, and a final summary line. Warnings go to stderr.

  --config FILE   YAML detection configuration (its "detection:" key, or the whole document)`,
  ja: `使い方: mailwarden replay [--config ファイル] EVENTS.jsonl   (- で標準入力)

タイムスタンプ付きイベント列 (1 行 1 JSON) に検知エンジンを適用します。ネットワークやストアには
一切触れません。送信ごとの判定、アカウント状態の変化、最後に集計を JSON で 1 行ずつ出力します。
警告は標準エラーに出ます。

  --config ファイル   YAML の検知設定 ("detection:" キー、なければ文書全体)`,
};

const needOneFile: Text = {
  en: 'Give exactly one event file (or - for stdin).',
  ja: 'イベントファイルを 1 つだけ指定してください (標準入力は -)。',
};
const badConfig: Text = { en: 'Cannot use configuration {file}: {error}', ja: '設定 {file} を使えません: {error}' };
const badInput: Text = { en: 'Cannot read {file}: {error}', ja: '{file} を読めません: {error}' };
const badLine: Text = { en: 'line {line}: {error}; skipped', ja: '{line} 行目: {error}。スキップしました' };

export async function run(args: string[]): Promise<number> {
  const r = parseCommand(args, { config: { type: 'string' } }, help);
  if ('exitCode' in r) return r.exitCode;
  const { values, positionals } = r.parsed;
  if (positionals.length !== 1) return fail(needOneFile, {}, 2);
  const file = positionals[0];
  let cfg: DetectionConfig;
  try {
    cfg = await loadDetectionConfig(values.config as string | undefined);
  } catch (err) {
    return fail(badConfig, { file: String(values.config), error: (err as Error).message }, 2);
  }
  try {
    await replayStream(file === '-' ? process.stdin : createReadStream(file), new DetectionEngine(cfg));
  } catch (err) {
    return fail(badInput, { file, error: (err as Error).message }, 2);
  }
  return 0;
}

/** A YAML file whose `detection:` key, or else whole document, is the detection configuration. */
export async function loadDetectionConfig(path: string | undefined): Promise<DetectionConfig> {
  if (!path) return detectionConfigSchema.parse({});
  const doc: unknown = parseYaml(await readFile(path, 'utf8')) ?? {};
  const section = typeof doc === 'object' && doc !== null && 'detection' in doc ? (doc as { detection: unknown }).detection : doc;
  const parsed = detectionConfigSchema.safeParse(section ?? {});
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

interface Tally {
  submits: number;
  accepted: number;
  deferred: number;
  rejected: number;
  held: number;
}

/**
 * Streams lines through the engine. Input is decoded a chunk at a time and cut at line feeds
 * (readline's per-line events cost more than parsing the line); output is gathered into large
 * chunks and written with back-pressure, because one write per event would cost more than the
 * engine itself.
 */
async function replayStream(input: NodeJS.ReadableStream, engine: DetectionEngine): Promise<void> {
  const r = new Replay(engine);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      r.line(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (r.out.length > 1 << 16) await r.flush();
  }
  rest += decoder.end();
  if (rest !== '') r.line(rest);
  r.out += `${JSON.stringify({ type: 'summary', ...r.tally, restricted: r.restricted })}\n`;
  await r.flush();
}

/** One replay run: the engine, the tally for the summary, and the output not yet written. */
class Replay {
  readonly tally: Tally = { submits: 0, accepted: 0, deferred: 0, rejected: 0, held: 0 };
  readonly restricted: string[] = [];
  out = '';
  private lineNo = 0;

  constructor(private readonly engine: DetectionEngine) {}

  /** A line without its line feed. A carriage return also ends a line, as it does for readline. */
  line(raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.includes('\r')) for (const part of text.split('\r')) this.event(part);
    else this.event(text);
  }

  private event(line: string): void {
    this.lineNo++;
    if (line.trim() === '') return;
    const parsed = parseReplayLine(line);
    if ('error' in parsed) {
      process.stderr.write(`${say(badLine, { line: this.lineNo, error: say(parsed.error, parsed.params) })}\n`);
      return;
    }
    const result = this.engine.process(parsed.event, parsed.ts);
    if (result.decision) {
      count(this.tally, result.decision.verdict);
      this.out += `${JSON.stringify(result.decision)}\n`;
    }
    for (const c of result.changes) {
      if (c.state === 'restricted' && !this.restricted.includes(c.account)) this.restricted.push(c.account);
      this.out += `${JSON.stringify(c)}\n`;
    }
  }

  async flush(): Promise<void> {
    const chunk = this.out;
    this.out = '';
    await write(chunk);
  }
}

function count(t: Tally, verdict: string): void {
  t.submits++;
  if (verdict === 'accept') t.accepted++;
  else if (verdict === 'defer') t.deferred++;
  else if (verdict === 'reject') t.rejected++;
  else t.held++;
}

function write(chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}
