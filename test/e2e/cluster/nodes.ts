/**
 * Gateway nodes of one cluster for end-to-end tests: each node its own directory, config and
 * ports, all sharing one PostgreSQL schema and one Redis key prefix, with the submission ports
 * trusting 127.0.0.1 to send the PROXY header (so clients can claim any source address).
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import nodemailer from 'nodemailer';
import { buildProxyHeader } from '../../../src/smtp/proxy-protocol.js';
import { PASSWORD, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { proxiedTransport } from '../../helpers/proxied-client.js';

export interface ClusterSpec {
  storeUrl: string;
  redisUrl: string;
  keyPrefix: string;
  nextHopPort?: number;
  /** Deep-merged over each node's config. */
  config?: Record<string, unknown>;
}

/** Detection that decides on the hard limits only: scores never hold, probation never starts. */
export const limitsOnly = (messagesPerMinute: number) => ({
  limits: { messagesPerMinute },
  scoring: { holdScore: 100_000, watchHoldScore: 100_000, watchRisk: 100_000, restrictRisk: 1_000_000 },
  probation: { enabled: false },
});

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const both = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object';
    out[k] = both ? merge(a[k] as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export function clusterConfig(spec: ClusterSpec): Record<string, unknown> {
  const base = {
    store: spec.storeUrl,
    submission: { trustedProxies: ['127.0.0.1'] },
    redis: { url: spec.redisUrl, keyPrefix: spec.keyPrefix },
  };
  return merge(base, spec.config ?? {});
}

export async function startNode(spec: ClusterSpec, account: string, nodeId: string): Promise<TestGateway> {
  return startTestGateway({ nextHopPort: spec.nextHopPort, accounts: [{ address: account }], config: clusterConfig(spec), nodeId });
}

export interface SendResult {
  ok: boolean;
  code: number | null;
  response: string;
}

/** One message through the node's STARTTLS port, as if from `ip` behind the balancer. */
export async function sendVia(port: number, ip: string, account: string, to: string, pass = PASSWORD): Promise<SendResult> {
  const transport = proxiedTransport(port, ip, { user: account, pass });
  try {
    const info = (await transport.sendMail({ from: account, to, subject: 'cluster test', text: 'hello from the cluster test\n' })) as { response: string };
    return { ok: true, code: 250, response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? null, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

/** A plain client without the PROXY header, for nodes that do not trust 127.0.0.1. */
export async function sendDirect(port: number, account: string, to: string): Promise<SendResult> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false }, auth: { user: account, pass: PASSWORD } });
  try {
    const info = (await transport.sendMail({ from: account, to, subject: 'cluster test', text: 'hello\n' })) as { response: string };
    return { ok: true, code: 250, response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? null, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

/**
 * An authenticated session left open on the node's implicit-TLS port, behind a PROXY header:
 * resolves `closed` with the last reply the server sent before it hung up.
 */
export async function openLiveSession(tlsPort: number, ip: string, account: string): Promise<{ closed: Promise<string>; end(): void }> {
  const raw = connect({ host: '127.0.0.1', port: tlsPort });
  await once(raw, 'connect');
  raw.write(buildProxyHeader(2, { address: ip, port: 45000 }, { address: '127.0.0.1', port: tlsPort }));
  const sock = tlsConnect({ socket: raw, rejectUnauthorized: false });
  await once(sock, 'secureConnect');
  let text = '';
  sock.on('data', (d: Buffer) => (text += d.toString('utf8')));
  sock.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => sock.once('close', () => resolve(text.trim().split('\r\n').pop() ?? '')));
  const expect = async (re: RegExp) => {
    if (!(await waitFor(() => re.test(text), 5000))) throw new Error(`no ${re} in ${text}`);
    text = '';
  };
  await expect(/^220 /m);
  sock.write('EHLO client.test\r\n');
  await expect(/^250 /m);
  sock.write(`AUTH PLAIN ${Buffer.from(`\0${account}\0${PASSWORD}`).toString('base64')}\r\n`);
  await expect(/^235 /m);
  return { closed, end: () => sock.destroy() };
}

/** AUTH only (nodemailer's verify): the reply code, 235 on success. */
export async function tryLogin(port: number, ip: string, account: string, pass: string): Promise<number | null> {
  const transport = proxiedTransport(port, ip, { user: account, pass });
  try {
    await transport.verify();
    return 235;
  } catch (err) {
    return (err as { responseCode?: number }).responseCode ?? null;
  } finally {
    transport.close();
  }
}
