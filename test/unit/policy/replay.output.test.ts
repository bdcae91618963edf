import { describe, expect, it } from 'vitest';
import { GeoDb } from '../../../src/auth/geo.js';
import type { SubmitDecision, SubmitEvent } from '../../../src/events/replay.js';
import { decisionLine, LineSplitter, Locator } from '../../../src/cli/replay.js';
import { parseReplayLine } from '../../../src/policy/replay-input.js';

describe('replay output lines', () => {
  const tricky = [
    'plain',
    'with "quotes" and \\ backslash',
    'control \u0000 \u0007 \b \f \n \r \t \u001f',
    '日本語の件名 😀',
    'lone \ud800 high and \udc00 low surrogates',
    '\u2028 line and \u2029 paragraph separators',
    '',
  ];

  it('writes each decision byte for byte as JSON.stringify does', () => {
    for (const s of tricky) {
      for (const score of [0, 7, -3, 1e21, NaN, Infinity]) {
        const d: SubmitDecision = { ts: s, account: `${s}@example.jp`, messageId: `<${s}>`, verdict: 'hold', score, reasons: [s, 'second', s] };
        expect(decisionLine(d)).toBe(`${JSON.stringify(d)}\n`);
      }
      const none: SubmitDecision = { ts: '2026-01-05T09:00:00Z', account: 'a@example.jp', messageId: s, verdict: 'accept', score: 0, reasons: [] };
      expect(decisionLine(none)).toBe(`${JSON.stringify(none)}\n`);
    }
  });

  it('writes the same line from fields read off a line without backslashes, with reasons that still need escapes', () => {
    // What a line without escapes can hold: any character but a quote, a backslash, a control character.
    for (const s of ['plain', '日本語の件名 😀', '\u2028 and \u2029', "<it's@example.jp>", '']) {
      const line = JSON.stringify({ ts: s, account: `${s}@example.jp`, messageId: `<${s}>` });
      expect(line.includes('\\')).toBe(false);
      const { ts, account, messageId } = JSON.parse(line) as SubmitDecision;
      for (const reasons of [[], tricky, [`${s} ${tricky[1]}`, s + tricky[2]]]) {
        const d: SubmitDecision = { ts, account, messageId, verdict: 'defer', score: 12, reasons };
        expect(decisionLine(d, true)).toBe(`${JSON.stringify(d)}\n`);
      }
    }
  });
});

describe('reading input in chunks', () => {
  function split(chunks: Buffer[]): string[] {
    const out: string[] = [];
    const s = new LineSplitter((line) => out.push(line));
    for (const c of chunks) s.push(c);
    s.end();
    return out;
  }

  /** Every way of cutting the bytes into chunks of one size. */
  function* chunkings(bytes: Buffer): Generator<Buffer[]> {
    for (let size = 1; size <= bytes.length; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      yield chunks;
    }
  }

  /** Lines as readline gives them: LF, CRLF and a lone CR each end one; no empty line after a final end. */
  function readlineLines(text: string): string[] {
    const lines = text.split(/\r\n|\r|\n/);
    if (/[\r\n]$/.test(text)) lines.pop();
    return lines;
  }

  it('hands on whole lines only, whatever the chunk boundaries, and decodes UTF-8 split across chunks', () => {
    const text = '{"a":"件名"}\n{"b":"😀"}\n\nno line feed at the end: 日本';
    for (const chunks of chunkings(Buffer.from(text))) expect(split(chunks)).toEqual(text.split('\n'));
    expect(split([])).toEqual([]);
    expect(split([Buffer.from('one\n')])).toEqual(['one']);
  });

  it('says of each line whether it holds a backslash, whatever the chunk boundaries', () => {
    const text = '{"a":"x"}\n{"b":"\\"q\\""}\n{"c":"件名"}\r{"d":"\\u00e9"}\r\n\\\nlast';
    const expected = [
      ['{"a":"x"}', true],
      ['{"b":"\\"q\\""}', false],
      ['{"c":"件名"}', true],
      ['{"d":"\\u00e9"}', false],
      ['\\', false],
      ['last', true],
    ];
    for (const chunks of chunkings(Buffer.from(text))) {
      const out: [string, boolean][] = [];
      const s = new LineSplitter((line, plain) => out.push([line, plain]));
      for (const c of chunks) s.push(c);
      s.end();
      expect(out).toEqual(expected);
    }
  });

  it('ends a line at CRLF, a lone CR and LF alike, also when CR and LF fall in different chunks', () => {
    const text = 'crlf\r\nlone\rcr\r\r\nlf\n\r\n日本\r語\r\nlast\r';
    const expected = readlineLines(text);
    expect(expected).toEqual(['crlf', 'lone', 'cr', '', 'lf', '', '日本', '語', 'last']);
    for (const chunks of chunkings(Buffer.from(text))) expect(split(chunks)).toEqual(expected);
  });

  it('decodes exactly as Buffer#toString does, broken UTF-8 replaced alike, but drops a byte-order mark that starts the input', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"a":1}\n'),
      Buffer.from([0xe3, 0x81, 0x0a]), // a truncated sequence before a line feed
      Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0x0a]), // invalid bytes, an overlong form, a surrogate
      Buffer.from('\ufeff{"b":"件名"}\n'),
    ]);
    const expected = readlineLines(bytes.toString('utf8').slice(1)); // the leading mark only: the one before {"b" stays
    expect(expected[3].startsWith('\ufeff{"b"')).toBe(true);
    for (const chunks of chunkings(bytes)) expect(split(chunks)).toEqual(expected);
    // Broken bytes at the very end, without a line feed after them; a lone mark; a partial mark.
    const tail = Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.from([0xe3, 0x81])]);
    expect(split([tail])).toEqual(readlineLines(tail.toString('utf8')));
    expect(split([Buffer.from([0xef, 0xbb, 0xbf])])).toEqual(['']);
    expect(split([Buffer.from([0xef, 0xbb]), Buffer.from('\n')])).toEqual(['\ufffd']);
  });
});

describe('reading an event line', () => {
  it('keeps every field the contract defines, for submit and auth events, whatever the key order', () => {
    const submit = { ts: '2026-01-05T09:00:02Z', type: 'submit', account: 'tanaka@example.co.jp', ip: '203.0.113.5', messageId: '<m1@example.co.jp>', mailFrom: 'tanaka@example.co.jp', headerFrom: 'tanaka@example.co.jp', rcpts: ['a@customer.example'], size: 5230, subject: '見積書の送付', bodyHash: '9f2c', client: 'Microsoft Outlook 16.0', country: 'JP', asn: 2516 };
    const auth = { ts: '2026-01-05T09:00:00Z', type: 'auth', account: 'tanaka@example.co.jp', ip: '203.0.113.5', ok: true, country: 'JP', asn: 2516 };
    for (const event of [submit, auth]) {
      for (const entries of [Object.entries(event), Object.entries(event).reverse()]) {
        const parsed = parseReplayLine(JSON.stringify(Object.fromEntries(entries)));
        expect('event' in parsed && parsed.event).toEqual(event);
      }
    }
  });

  it('keeps the fields of bounces and credential changes, and gives every type one object shape', () => {
    const lines = [
      { ts: '2026-01-05T09:00:02Z', type: 'submit', account: 'a@example.co.jp', ip: '203.0.113.5', messageId: '<m1@example.co.jp>', mailFrom: 'a@example.co.jp', headerFrom: 'a@example.co.jp', rcpts: ['b@customer.example'] },
      { ts: '2026-01-05T09:00:00Z', type: 'auth', account: 'a@example.co.jp', ip: '203.0.113.5', ok: false },
      { ts: '2026-01-05T10:00:00Z', type: 'bounce', account: 'a@example.co.jp', messageId: '<m1@example.co.jp>', rcpt: 'b@customer.example', status: '5.1.1', reason: 'userunknown' },
      { ts: '2026-01-05T11:00:00Z', type: 'credential', account: 'a@example.co.jp', kind: 'app-password' },
    ];
    const events = lines.map((l) => {
      const parsed = parseReplayLine(JSON.stringify(l));
      if (!('event' in parsed)) throw new Error(`not read: ${JSON.stringify(parsed)}`);
      expect(parsed.event).toEqual(l);
      return parsed.event;
    });
    // The same keys in the same order: one hidden class for the engine's first look at each event.
    for (const e of events) expect(Object.keys(e)).toEqual(Object.keys(events[0]));
  });

  it('names the first missing field of a bounce or credential change, and refuses other types', () => {
    const base = { ts: '2026-01-05T10:00:00Z', account: 'a@example.co.jp' };
    const error = (o: object) => {
      const parsed = parseReplayLine(JSON.stringify(o));
      return 'error' in parsed ? parsed.params : null;
    };
    expect(error({ ...base, type: 'bounce', status: '5.1.1' })).toEqual({ field: 'messageId' });
    expect(error({ ...base, type: 'bounce', messageId: '<m1@x>' })).toEqual({ field: 'status' });
    expect(error({ ...base, type: 'credential', kind: 'token' })).toEqual({ field: 'kind' });
    expect(error({ ...base, type: 'login' })).toEqual({ value: 'login' });
  });

  it('refuses an AS number that is not a whole 32-bit number, and names an array or null as such', () => {
    const submit = { ts: '2026-01-05T10:00:00Z', type: 'submit', account: 'a@example.co.jp', ip: '203.0.113.5', messageId: '<m1@x>', rcpts: ['b@customer.example'] };
    for (const asn of [-1, 1.5, 2 ** 32]) expect(parseReplayLine(JSON.stringify({ ...submit, asn }))).toMatchObject({ params: { field: 'asn' } });
    expect(parseReplayLine(JSON.stringify(submit).replace('}', ',"asn":1e400}'))).toMatchObject({ params: { field: 'asn' } });
    expect(parseReplayLine(JSON.stringify({ ...submit, type: 'auth', ok: true, asn: '2516' }))).toMatchObject({ params: { field: 'asn' } });
    expect(parseReplayLine(JSON.stringify({ ...submit, asn: 4_294_967_295 }))).toHaveProperty('event');
    expect(parseReplayLine('[1]')).toMatchObject({ params: { detail: 'array' } });
    expect(parseReplayLine('null')).toMatchObject({ params: { detail: 'null' } });
  });
});

describe('replay locating addresses', () => {
  const submit = (ip: string): SubmitEvent => ({ ts: '2026-01-05T09:00:00Z', type: 'submit', account: 'a@example.co.jp', ip, messageId: '<m@x>', mailFrom: 'a@example.co.jp', headerFrom: 'a@example.co.jp', rcpts: ['b@example.net'] });

  it('looks each address up once, and private addresses not at all', () => {
    const real = new GeoDb();
    const asked: string[] = [];
    const spy = Object.assign(Object.create(real) as GeoDb, { lookup: (ip: string) => (asked.push(ip), real.lookup(ip)) });
    const locator = new Locator('/nonexistent', () => spy);
    const events = ['14.160.1.1', '14.160.1.1', '10.0.0.1', '14.160.1.1'].map(submit);
    for (const e of events) locator.fill(e);
    expect(asked).toEqual(['14.160.1.1']);
    expect(events.map((e) => [e.country, e.asn])).toEqual([['VN', 45899], ['VN', 45899], [undefined, undefined], ['VN', 45899]]);
  });

  it('warns once, in the reader\'s language, and goes on without location when the data cannot be loaded', () => {
    const warnings: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (warnings.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const locator = new Locator('/nonexistent', () => new GeoDb({ asn: '/nonexistent', country: '/nonexistent' }));
      const events = ['14.160.1.1', '8.8.8.8'].map(submit);
      for (const e of events) locator.fill(e);
      expect(events.map((e) => [e.country, e.asn])).toEqual([[undefined, undefined], [undefined, undefined]]);
    } finally {
      process.stderr.write = write;
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^(IP location data unavailable|IP 位置データを読み込めません) \(.*--no-geo/);
  });
});
