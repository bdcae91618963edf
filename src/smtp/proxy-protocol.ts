import { isIP } from 'node:net';

/**
 * PROXY protocol v1 (text) and v2 (binary), from haproxy's specification: a load balancer
 * in front of the gateway passes the real client address, so per-IP limits, bans and the
 * detection engine see the attacker, not the balancer. Only configured peers may send it.
 */
export type ProxyHeader = { consumed: number; address: string | null; port: number | null };
export type ProxyParse = ProxyHeader | 'incomplete' | { error: string };

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_MAX = 107;
const V2_MAX = 16 + 2048;

export function parseProxyHeader(buf: Buffer): ProxyParse {
  if (buf.length >= 12 && buf.subarray(0, 12).equals(V2_SIGNATURE)) return parseV2(buf);
  if (buf.length < 12 && V2_SIGNATURE.subarray(0, buf.length).equals(buf)) return 'incomplete';
  return parseV1(buf);
}

function parseV1(buf: Buffer): ProxyParse {
  const end = buf.indexOf('\r\n');
  if (end === -1) return buf.length > V1_MAX ? { error: 'PROXY v1 header too long' } : 'incomplete';
  const parts = buf.subarray(0, end).toString('latin1').split(' ');
  if (parts[0] !== 'PROXY') return { error: 'not a PROXY header' };
  if (parts[1] === 'UNKNOWN') return { consumed: end + 2, address: null, port: null };
  if ((parts[1] !== 'TCP4' && parts[1] !== 'TCP6') || parts.length !== 6) return { error: 'malformed PROXY v1 header' };
  const [, family, src, , srcPort] = parts;
  if (isIP(src) !== (family === 'TCP4' ? 4 : 6)) return { error: 'PROXY v1 source is not an IP address of its family' };
  const port = Number(srcPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { error: 'PROXY v1 source port out of range' };
  return { consumed: end + 2, address: src, port };
}

function parseV2(buf: Buffer): ProxyParse {
  if (buf.length < 16) return 'incomplete';
  const verCmd = buf[12];
  if (verCmd >> 4 !== 2) return { error: 'unsupported PROXY v2 version' };
  const length = buf.readUInt16BE(14);
  if (16 + length > V2_MAX) return { error: 'PROXY v2 header too long' };
  if (buf.length < 16 + length) return 'incomplete';
  const consumed = 16 + length;
  // LOCAL (health checks of the balancer itself): keep the real peer address.
  if ((verCmd & 0x0f) === 0x0) return { consumed, address: null, port: null };
  if ((verCmd & 0x0f) !== 0x1) return { error: 'unsupported PROXY v2 command' };
  const family = buf[13] >> 4;
  const body = buf.subarray(16, consumed);
  if (family === 0x1 && body.length >= 12) {
    return { consumed, address: [...body.subarray(0, 4)].join('.'), port: body.readUInt16BE(8) };
  }
  if (family === 0x2 && body.length >= 36) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(body.readUInt16BE(i).toString(16));
    return { consumed, address: compressV6(groups.join(':')), port: body.readUInt16BE(32) };
  }
  if (family === 0x0) return { consumed, address: null, port: null };
  return { error: 'unsupported PROXY v2 address family' };
}

function compressV6(full: string): string {
  return full.replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

/** Builds a header (tests, demo, and anyone scripting a balancer in front of the gateway). */
export function buildProxyHeader(version: 1 | 2, src: { address: string; port: number }, dst: { address: string; port: number }): Buffer {
  const v6 = isIP(src.address) === 6;
  if (version === 1) return Buffer.from(`PROXY ${v6 ? 'TCP6' : 'TCP4'} ${src.address} ${dst.address} ${src.port} ${dst.port}\r\n`, 'latin1');
  const addr = (a: string) => (v6 ? expandV6(a) : Buffer.from(a.split('.').map(Number)));
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(src.port, 0);
  ports.writeUInt16BE(dst.port, 2);
  const body = Buffer.concat([addr(src.address), addr(dst.address), ports]);
  const head = Buffer.from([0x21, v6 ? 0x21 : 0x11, 0, 0]);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, head, body]);
}

function expandV6(a: string): Buffer {
  const [left, right = ''] = a.split('::');
  const l = left ? left.split(':') : [];
  const r = right ? right.split(':') : [];
  const groups = a.includes('::') ? [...l, ...Array(8 - l.length - r.length).fill('0'), ...r] : l;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
