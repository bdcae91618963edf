/**
 * A scripted SMTP conversation over a real socket, byte for byte, for what a well-behaved
 * client library would never send (AUTH before TLS, smuggling sequences, bare LFs).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export class SmtpScript {
  private buffer = '';
  private waiters: (() => void)[] = [];

  private constructor(private socket: Socket | TLSSocket) {
    this.attach();
  }

  static async open(port: number, implicitTls = false): Promise<SmtpScript> {
    const socket = implicitTls
      ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(implicitTls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    const s = new SmtpScript(socket);
    await s.reply();
    return s;
  }

  private attach(): void {
    this.socket.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      this.waiters.splice(0).forEach((w) => w());
    });
    this.socket.on('close', () => this.waiters.splice(0).forEach((w) => w()));
    this.socket.on('error', () => {});
  }

  /** The next complete reply (all lines of a multi-line reply). */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\n]*\n)*\d{3}(?: [^\n]*)?\r?\n/.exec(this.buffer);
      if (m) {
        this.buffer = this.buffer.slice(m[0].length);
        return m[0];
      }
      if (this.socket.destroyed || Date.now() > deadline) return this.buffer;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async send(line: string): Promise<string> {
    this.write(`${line}\r\n`);
    return this.reply();
  }

  async starttls(): Promise<void> {
    const r = await this.send('STARTTLS');
    if (!r.startsWith('220')) throw new Error(`STARTTLS refused: ${r}`);
    this.socket.removeAllListeners('data');
    const secure = tlsConnect({ socket: this.socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach();
  }

  async authPlain(user: string, pass: string): Promise<string> {
    return this.send(`AUTH PLAIN ${Buffer.from(`\0${user}\0${pass}`).toString('base64')}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
