/**
 * A raw SMTP session behind a claimed client address (PROXY protocol v2), upgraded with STARTTLS,
 * that can pipeline many AUTH lines at once: what a password-guessing tool does, and what no
 * well-behaved client library would let a test do.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { buildProxyHeader } from '../../../src/smtp/proxy-protocol.js';

export class RawSession {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach();
  }

  /** Connected, greeted, EHLO, STARTTLS, EHLO again: ready for AUTH. */
  static async open(port: number, sourceIp: string, tls = true): Promise<RawSession> {
    const socket = netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    socket.write(buildProxyHeader(2, { address: sourceIp, port: 40000 + Math.floor(Math.random() * 20000) }, { address: '127.0.0.1', port }));
    const s = new RawSession(socket);
    await s.replies(1);
    await s.command('EHLO attacker.example');
    if (!tls) return s;
    const r = await s.command('STARTTLS');
    if (!r[0]?.startsWith('220')) throw new Error(`STARTTLS refused: ${r.join('')}`);
    await s.upgrade();
    await s.command('EHLO attacker.example');
    return s;
  }

  private attach(): void {
    this.socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('error', () => {});
  }

  private async upgrade(): Promise<void> {
    this.socket.removeAllListeners('data');
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach();
  }

  /** The next `n` complete replies (a multi-line reply counts once); fewer if the peer closes. */
  async replies(n: number, timeoutMs = 60_000): Promise<string[]> {
    const out: string[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        out.push(m[0]);
        continue;
      }
      if (this.closed || Date.now() > deadline) break;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return out;
  }

  async command(line: string): Promise<string[]> {
    this.socket.write(`${line}\r\n`);
    return this.replies(1);
  }

  /** Writes every line in one go (pipelining) and collects one reply per line. */
  async pipeline(lines: string[]): Promise<string[]> {
    this.socket.write(lines.map((l) => `${l}\r\n`).join(''));
    return this.replies(lines.length);
  }

  close(): void {
    this.socket.destroy();
  }
}

export function authPlainLine(user: string, pass: string): string {
  return `AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`;
}
