/**
 * One outbound SMTP connection to one next hop, with the TLS policy of that hop applied.
 * Wraps nodemailer's SMTPConnection in promises and keeps the state the pool needs.
 */
import { hostname } from 'node:os';
import type { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type { SMTPConnectionOptions, SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection/index.js';
import type { NodemailerError } from 'nodemailer/lib/errors.js';
import type { DeliveryConfig } from './config.js';
import type { NextHop } from './route.js';

export interface Session {
  hop: NextHop;
  conn: SMTPConnection;
  /** Negotiated TLS protocol ("TLSv1.3"), or null when the session is in clear. */
  tls: string | null;
  /** Transactions sent on this connection. */
  uses: number;
  /** False once the connection failed or closed: the pool drops it. */
  alive: boolean;
}

function connectionOptions(hop: NextHop, config: DeliveryConfig): SMTPConnectionOptions {
  const ipLiteral = /^[\d.]+$|:/.test(hop.address);
  return {
    host: hop.address,
    port: hop.port,
    name: config.heloName || hostname(),
    // The TLS mode of the hop maps onto the client's three switches; "required" never falls
    // back to clear text (RFC 3207 §4: a client that requires TLS must not proceed without it).
    secure: hop.tls === 'implicit',
    requireTLS: hop.tls === 'required',
    opportunisticTLS: hop.tls === 'opportunistic',
    ignoreTLS: hop.tls === 'none',
    servername: ipLiteral && hop.name !== hop.address ? hop.name : undefined,
    tls: { rejectUnauthorized: hop.rejectUnauthorized, minVersion: 'TLSv1.2' },
    connectionTimeout: config.timeouts.connectionMs,
    greetingTimeout: config.timeouts.greetingMs,
    socketTimeout: config.timeouts.socketMs,
    allowInternalNetworkInterfaces: true,
    logger: false,
  };
}

function tlsProtocol(conn: SMTPConnection): string | null {
  if (!conn.secure || !conn._socket) return null;
  const sock = conn._socket as TLSSocket;
  return typeof sock.getProtocol === 'function' ? (sock.getProtocol() ?? 'TLS') : 'TLS';
}

/** Connects, negotiates TLS as the hop demands, and authenticates when the hop has credentials. */
export async function openSession(hop: NextHop, config: DeliveryConfig): Promise<Session> {
  const conn = new SMTPConnection(connectionOptions(hop, config));
  const session: Session = { hop, conn, tls: null, uses: 0, alive: true };
  // A permanent listener: an idle connection that drops must not become an unhandled 'error'.
  conn.on('error', () => {
    session.alive = false;
  });
  conn.on('end', () => {
    session.alive = false;
  });
  await new Promise<void>((resolve, reject) => {
    conn.once('error', reject);
    conn.connect((err) => (err ? reject(err) : resolve()));
  }).catch((err: NodemailerError) => {
    closeSession(session);
    throw err;
  });
  session.tls = tlsProtocol(conn);
  if (hop.auth) await login(session, hop.auth);
  return session;
}

async function login(session: Session, auth: { user: string; pass: string }): Promise<void> {
  // Credentials never travel in clear unless the operator chose security "none" explicitly.
  if (!session.tls && session.hop.tls !== 'none') {
    closeSession(session);
    throw Object.assign(new Error('refusing AUTH over an unencrypted connection'), { code: 'ETLS' });
  }
  await new Promise<void>((resolve, reject) => {
    session.conn.login({ user: auth.user, pass: auth.pass }, (err) => (err ? reject(err) : resolve()));
  }).catch((err: NodemailerError) => {
    closeSession(session);
    throw err;
  });
}

export interface Envelope {
  from: string;
  to: string[];
  size: number;
}

/** One transaction. Rejections of some recipients come back in info.rejectedErrors. */
export function sendMail(session: Session, envelope: Envelope, raw: Buffer): Promise<SMTPConnectionSendInfo> {
  session.uses++;
  return new Promise((resolve, reject) => {
    session.conn.send(
      // The null sender (DSNs) is MAIL FROM:<>, which the client spells `false`.
      { from: envelope.from === '' ? false : envelope.from, to: envelope.to, size: envelope.size },
      raw,
      (err, info) => (err ? reject(err) : resolve(info)),
    );
  });
}

/** RSET between transactions on a reused connection; false when the connection is unusable. */
export function resetSession(session: Session): Promise<boolean> {
  if (!session.alive || session.conn.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    session.conn.reset((err) => {
      if (err) session.alive = false;
      resolve(!err);
    });
  });
}

export function closeSession(session: Session): void {
  session.alive = false;
  try {
    if (!session.conn.destroyed) session.conn.quit();
  } catch {
    // Closing is best effort: the socket may already be gone.
  }
  session.conn.close();
}
