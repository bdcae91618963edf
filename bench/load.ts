/**
 * A pipelining SMTP load generator: C connections, each STARTTLS + AUTH PLAIN once, then
 * MAIL/RCPT/DATA pipelined (RFC 2920) for its share of N messages. It times the DATA reply
 * (from the end-of-data dot to the 250) of every message.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';

export interface LoadOptions {
  port: number;
  user: string;
  pass: string;
  messages: number;
  size: number;
  connections: number;
  rcpt: (i: number) => string;
  /** Called with the message number of each "250" to DATA. */
  onAccepted?: (i: number) => void;
}

export interface LoadResult {
  accepted: number;
  refused: number;
  seconds: number;
  latenciesMs: number[];
  firstReplies: string[];
  /** Connections that broke (e.g. the gateway was killed). */
  broken: number;
}

class Lines {
  private buf = '';
  private wait: (() => void) | null = null;
  constructor(private sock: Socket | TLSSocket) {
    this.bind(sock);
  }
  bind(sock: Socket | TLSSocket): void {
    this.sock = sock;
    sock.on('data', (d: Buffer) => {
      this.buf += d.toString('latin1');
      this.wait?.();
    });
    sock.on('close', () => this.wait?.());
    sock.on('error', () => this.wait?.());
  }
  async reply(): Promise<string> {
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buf);
      if (m) {
        this.buf = this.buf.slice(m[0].length);
        return m[0];
      }
      if (this.sock.destroyed) throw new Error('connection closed');
      await new Promise<void>((r) => (this.wait = r));
      this.wait = null;
    }
  }
}

function body(size: number, i: number, from: string, to: string): string {
  const head = `From: ${from}\r\nTo: ${to}\r\nSubject: benchmark message ${i}\r\nMessage-ID: <bench-${i}-${process.pid}@bench.test>\r\n\r\n`;
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n';
  return head + line.repeat(Math.max(1, Math.ceil((size - head.length) / line.length)));
}

async function open(o: LoadOptions): Promise<{ sock: TLSSocket; lines: Lines }> {
  const raw = netConnect({ host: '127.0.0.1', port: o.port });
  raw.setNoDelay(true);
  const lines = new Lines(raw);
  await lines.reply();
  raw.write('EHLO bench.test\r\n');
  await lines.reply();
  raw.write('STARTTLS\r\n');
  await lines.reply();
  raw.removeAllListeners('data');
  const sock = tlsConnect({ socket: raw, rejectUnauthorized: false });
  await new Promise<void>((r, j) => (sock.once('secureConnect', () => r()), sock.once('error', j)));
  lines.bind(sock);
  sock.write('EHLO bench.test\r\n');
  await lines.reply();
  sock.write(`AUTH PLAIN ${Buffer.from(`\0${o.user}\0${o.pass}`).toString('base64')}\r\n`);
  const auth = await lines.reply();
  if (!auth.startsWith('235')) throw new Error(`AUTH failed: ${auth}`);
  return { sock, lines };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { accepted: 0, refused: 0, seconds: 0, latenciesMs: [], firstReplies: [], broken: 0 };
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    const { sock, lines } = await open(o);
    for (let i = next++; i < o.messages; i = next++) {
      const to = o.rcpt(i);
      sock.write(`MAIL FROM:<${o.user}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      const replies = [await lines.reply(), await lines.reply(), await lines.reply()];
      if (!replies[2].startsWith('354')) {
        result.refused++;
        if (result.firstReplies.length < 5) result.firstReplies.push(replies.join(''));
        sock.write('RSET\r\n');
        await lines.reply();
        continue;
      }
      sock.write(`${body(o.size, i, o.user, to)}.\r\n`);
      const t0 = performance.now();
      const final = await lines.reply();
      result.latenciesMs.push(performance.now() - t0);
      if (final.startsWith('250')) {
        result.accepted++;
        o.onAccepted?.(i);
      } else {
        result.refused++;
        if (result.firstReplies.length < 5) result.firstReplies.push(final);
      }
    }
    sock.end('QUIT\r\n');
  };
  const guarded = () =>
    worker().catch(() => {
      result.broken++;
    });
  await Promise.all(Array.from({ length: o.connections }, guarded));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
