import { randomBytes } from 'node:crypto';
import { BlockList, isIP, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { parseProxyHeader } from './proxy-protocol.js';

type SocketOptions = { id: string; remoteAddress?: string; remotePort?: number; ignore?: boolean };
type Callback = (err: Error | null, opts?: SocketOptions) => void;

function trustList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (bits) list.addSubnet(addr, Number(bits), type);
    else list.addAddress(addr, type);
  }
  return list;
}

function normalise(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

/**
 * smtp-server reads PROXY v1 only; this server reads v1 and v2 (haproxy's default is v2) from
 * trusted balancers, by taking over the hook that smtp-server calls before a session starts.
 * Other peers connect directly and never get to claim an address.
 */
export class ProxyAwareSmtpServer extends SMTPServer {
  private readonly trusted: BlockList;
  private readonly hasTrusted: boolean;

  constructor(options: SMTPServerOptions, trustedProxies: string[]) {
    super({ ...options, useProxy: false });
    this.trusted = trustList(trustedProxies);
    this.hasTrusted = trustedProxies.length > 0;
  }

  _handleProxy(socket: Socket, callback: Callback): void {
    const id = BigInt(`0x${randomBytes(10).toString('hex')}`).toString(32).padStart(16, '0');
    const peer = normalise(socket.remoteAddress);
    if (!this.hasTrusted || !this.trusted.check(peer, isIP(peer) === 6 ? 'ipv6' : 'ipv4')) {
      setImmediate(() => callback(null, { id }));
      return;
    }
    readHeader(socket, (err, header) => {
      if (err) {
        socket.on('error', () => {});
        socket.end('421 4.7.0 Invalid PROXY header\r\n');
        return callback(err);
      }
      callback(null, { id, remoteAddress: header?.address ?? undefined, remotePort: header?.port ?? undefined });
    });
  }
}

function readHeader(socket: Socket, done: (err: Error | null, h?: { address: string | null; port: number | null }) => void): void {
  let buf = Buffer.alloc(0);
  let finished = false;
  const finish = (err: Error | null, h?: { address: string | null; port: number | null }) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.removeListener('readable', onReadable);
    socket.removeListener('close', onClose);
    done(err, h);
  };
  const onClose = () => finish(new Error('connection closed before the PROXY header'));
  const onReadable = () => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) {
      buf = Buffer.concat([buf, chunk]);
      const parsed = parseProxyHeader(buf);
      if (parsed === 'incomplete') continue;
      if ('error' in parsed) return finish(new Error(parsed.error));
      const rest = buf.subarray(parsed.consumed);
      if (rest.length) socket.unshift(rest);
      return finish(null, parsed);
    }
  };
  const timer = setTimeout(() => finish(new Error('PROXY header timeout')), 10_000);
  socket.on('readable', onReadable);
  socket.once('close', onClose);
}
