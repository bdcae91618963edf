/**
 * `mailwarden dmarc parse [--json] FILE...` (a fixed contract, see DESIGN.md): one JSON line per
 * input on stdout, `{"file":...,"error":"..."}` for an input that cannot be read, exit 0 once it
 * ran. `mailwarden dmarc sources FILE...` folds reports per sending IP.
 */
import { open } from 'node:fs/promises';
import { say, type Text } from '../core/i18n.js';
import { existsSync } from 'node:fs';
import { storedReports } from '../bounces/reports.js';
import { fail, parseCommand, printJsonLine } from './args.js';
import { loadForCommand, withStore } from './context.js';
import { DEFAULT_LIMITS, DmarcParseError, parseDmarcReport, summariseSources, type DmarcReport } from '../domain/dmarc/index.js';

export const summary: Text = { en: 'DMARC aggregate reports: parse, sending sources', ja: 'DMARC 集計レポートの解析と送信元の集計' };

const help: Text = {
  en: `Usage:
  mailwarden dmarc parse [--json] FILE...      one JSON line per file ("-" reads stdin)
  mailwarden dmarc sources [--json] [--known IP,...] FILE...
  mailwarden dmarc sources [--json] [--known IP,...] [--config FILE] [DOMAIN...]
                                               reports received by the bounce listener

Reads DMARC aggregate reports: raw XML, .gz, .zip, or an email carrying one as an attachment.
Each line holds orgName, reportId, begin, end, policy and records; a file that cannot be read
gives {"file":...,"error":"..."} and the run goes on. A report is parsed as it is read, so memory
stays small whatever its size. Limits: input ${DEFAULT_LIMITS.maxInputBytes} bytes, decompressed XML
${DEFAULT_LIMITS.maxXmlBytes} bytes, a .zip or an email ${DEFAULT_LIMITS.maxBufferedBytes} bytes (held whole);
DOCTYPE and ENTITY declarations are refused.`,
  ja: `使い方:
  mailwarden dmarc parse [--json] ファイル...      ファイルごとに JSON を 1 行出力 ("-" で標準入力)
  mailwarden dmarc sources [--json] [--known IP,...] ファイル...
  mailwarden dmarc sources [--json] [--known IP,...] [--config FILE] [ドメイン...]
                                               バウンス受信で受け取ったレポート

DMARC 集計レポート (XML・.gz・.zip、またはそれを添付したメール) を読みます。各行には orgName、
reportId、begin、end、policy、records が入ります。読めないファイルは {"file":...,"error":"..."}
となり、処理は続行します。レポートは読みながら解析するため、大きさによらずメモリは少量で済みます。
上限: 入力 ${DEFAULT_LIMITS.maxInputBytes} バイト、展開後の XML ${DEFAULT_LIMITS.maxXmlBytes} バイト、
.zip・メールは ${DEFAULT_LIMITS.maxBufferedBytes} バイト (全体を保持)。DOCTYPE・ENTITY 宣言は拒否します。`,
};

const T = {
  noFiles: { en: 'No input files. Run "mailwarden dmarc --help".', ja: '入力ファイルがありません。"mailwarden dmarc --help" を参照してください。' },
  tooBig: { en: 'the input is larger than the limit of {max} bytes', ja: '入力が上限 {max} バイトを超えています' },
  unreadable: { en: 'cannot read the file: {why}', ja: 'ファイルを読めません: {why}' },
  sourcesHeader: { en: 'SOURCE IP / MESSAGES / DMARC PASS / FAIL / FROM', ja: '送信元 IP / 通数 / DMARC 合格 / 失敗 / From ドメイン' },
} satisfies Record<string, Text>;

const options = { json: { type: 'boolean' }, known: { type: 'string' }, config: { type: 'string' } } as const;

class InputError extends Error {}

/**
 * The input as a stream, so that a large report is parsed as it is read and never held whole
 * (the parser counts the bytes against its input limit). A file over the limit is refused
 * before it is read.
 */
async function openInput(file: string, max: number): Promise<{ input: AsyncIterable<Uint8Array>; close(): Promise<void> }> {
  if (file === '-') return { input: process.stdin, close: async () => undefined };
  const handle = await open(file, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new InputError(say(T.unreadable, { why: err.code ?? err.message }));
  });
  try {
    if ((await handle.stat()).size > max) throw new InputError(say(T.tooBig, { max }));
  } catch (err) {
    await handle.close().catch(() => undefined);
    if (err instanceof InputError) throw err;
    throw new InputError(say(T.unreadable, { why: (err as NodeJS.ErrnoException).code ?? (err as Error).message }));
  }
  return { input: handle.createReadStream({ autoClose: false }), close: () => handle.close().catch(() => undefined) };
}

type Outcome = { report: DmarcReport } | { error: string };

async function readReport(file: string): Promise<Outcome> {
  let close = async (): Promise<void> => undefined;
  try {
    const opened = await openInput(file, DEFAULT_LIMITS.maxInputBytes);
    close = opened.close;
    return { report: await parseDmarcReport(opened.input) };
  } catch (err) {
    if (err instanceof DmarcParseError) return { error: say(err.text, err.params) };
    if (err instanceof InputError) return { error: err.message };
    const code = (err as NodeJS.ErrnoException).code;
    if (code) return { error: say(T.unreadable, { why: code }) };
    // Anything unexpected is still reported per file: one bad input must not stop the run.
    return { error: (err as Error).message };
  } finally {
    await close();
  }
}

export async function run(args: string[]): Promise<number> {
  const r = parseCommand(args, options, help);
  if ('exitCode' in r) return r.exitCode;
  const [sub, ...files] = r.parsed.positionals;
  if (sub !== 'parse' && sub !== 'sources') {
    process.stdout.write(`${say(help)}\n`);
    return sub ? 2 : 0;
  }
  if (sub === 'sources' && !files.some(isInputFile)) return storedSources(files, r.parsed.values);
  if (files.length === 0) return fail(T.noFiles, {}, 2);
  if (sub === 'parse') {
    for (const file of files) {
      const out = await readReport(file);
      printJsonLine('report' in out ? { file, ...out.report } : { file, error: out.error });
    }
    return 0;
  }
  return sources(files, r.parsed.values);
}

/** An argument that names input rather than a domain: stdin, an existing path, or a report file name. */
function isInputFile(arg: string): boolean {
  return arg === '-' || existsSync(arg) || /[/\\]|\.(xml|gz|zip|eml)$/i.test(arg);
}

/** Without files: the reports the bounce listener received, for the given domains or all. */
async function storedSources(domains: string[], values: Record<string, unknown>): Promise<number> {
  const config = loadForCommand(values.config as string | undefined);
  if (!config) return 2;
  const reports = await withStore(config, (store) => storedReports(store, domains));
  return printSources(reports, values);
}

async function sources(files: string[], values: Record<string, unknown>): Promise<number> {
  const reports: DmarcReport[] = [];
  for (const file of files) {
    const out = await readReport(file);
    if ('report' in out) reports.push(out.report);
    else process.stderr.write(`${file}: ${out.error}\n`);
  }
  return printSources(reports, values);
}

function printSources(reports: DmarcReport[], values: Record<string, unknown>): number {
  const known = typeof values.known === 'string' ? values.known.split(',').map((s) => s.trim()) : [];
  const result = summariseSources(reports, { knownSources: known });
  if (values.json) {
    for (const s of result.sources) printJsonLine(s);
    for (const f of result.findings) printJsonLine({ type: 'finding', ...f, message: say(f.message) });
    return 0;
  }
  process.stdout.write(`${say(T.sourcesHeader)}\n`);
  for (const s of result.sources) {
    process.stdout.write(`${s.sourceIp}  ${s.messages}  ${s.dmarcPass}  ${s.dmarcFail}  ${Object.keys(s.headerFrom).join(',')}\n`);
  }
  process.stdout.write('\n');
  for (const f of result.findings) process.stdout.write(`[${f.severity}] ${say(f.message)}\n`);
  return 0;
}
