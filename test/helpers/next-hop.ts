/**
 * A fake next hop for outbound tests: an smtp-server on 127.0.0.1:0 that records every message
 * it receives and answers as scripted (per recipient, per message), with optional STARTTLS,
 * implicit TLS and AUTH. Used by the delivery tests and by end-to-end tests of the pipeline.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { testCert } from './tls.js';

export interface ReceivedMessage {
  mailFrom: string;
  rcpts: string[];
  raw: Buffer;
  /** True when the session ran over TLS (STARTTLS or implicit). */
  secure: boolean;
  /** The AUTH user, when the client authenticated. */
  user: string | null;
  /** Index of the connection that carried the message (0, 1, ...), to observe reuse. */
  connection: number;
}

export interface NextHopOptions {
  /** Offer STARTTLS (EHLO advertises it). Default false: a plain-text next hop. */
  starttls?: boolean;
  /** Implicit TLS from the first byte (like port 465). */
  secure?: boolean;
  /** Require AUTH with these credentials; AUTH is offered only after TLS unless `starttls` is off. */
  auth?: { user: string; pass: string };
  /** Reply to RCPT TO: return a full reply ("550 5.1.1 User unknown") to refuse, or nothing to accept. */
  rcptReply?: (address: string, session: SMTPServerSession) => string | undefined;
  /** Reply after DATA: return a full reply to refuse the message, or nothing to accept and record it. */
  dataReply?: (message: ReceivedMessage) => string | undefined;
  /** Close connections idle for this long (as receivers do after a few minutes). */
  idleTimeoutMs?: number;
  /** Reply to MAIL FROM: return a full reply to refuse the sender. */
  mailReply?: (address: string) => string | undefined;
}

export interface NextHop {
  port: number;
  /** Accepted messages, in order of arrival. */
  messages: ReceivedMessage[];
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

/** smtp-server turns an Error with `responseCode` into the reply; the text carries the enhanced code. */
function replyError(reply: string): Error {
  const m = /^(\d{3})[ -]?(.*)$/s.exec(reply.trim());
  const err = new Error(m ? m[2] : reply) as Error & { responseCode: number };
  err.responseCode = m ? Number(m[1]) : 550;
  return err;
}

/** The smtp-server hooks: scripted replies, and a record of every accepted message. */
function hooks(options: NextHopOptions, messages: ReceivedMessage[], connectionIds: Map<string, number>): Partial<SMTPServerOptions> {
  return {
    onConnect(session, cb) {
      connectionIds.set(session.id, connectionIds.size);
      cb();
    },
    onAuth(auth, _session, cb) {
      const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
      if (ok) cb(null, { user: auth.username });
      else cb(replyError('535 5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(address, _session, cb) {
      const reply = options.mailReply?.(address.address);
      cb(reply ? replyError(reply) : null);
    },
    onRcptTo(address, session, cb) {
      const reply = options.rcptReply?.(address.address, session);
      cb(reply ? replyError(reply) : null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const message: ReceivedMessage = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcpts: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: session.secure,
          user: (session.user as string | undefined) ?? null,
          connection: connectionIds.get(session.id) ?? -1,
        };
        const reply = options.dataReply?.(message);
        if (reply) return cb(replyError(reply));
        messages.push(message);
        cb(null, `2.0.0 Ok: queued as ${messages.length}`);
      });
    },
  };
}

export async function startNextHop(options: NextHopOptions = {}): Promise<NextHop> {
  const messages: ReceivedMessage[] = [];
  const connectionIds = new Map<string, number>();
  const tls = options.starttls || options.secure ? await testCert() : undefined;
  const server = new SMTPServer({
    secure: !!options.secure,
    key: tls?.key,
    cert: tls?.cert,
    hideSTARTTLS: !options.starttls,
    hideENHANCEDSTATUSCODES: true,
    authOptional: !options.auth,
    allowInsecureAuth: !options.starttls && !options.secure,
    // A next hop without STARTTLS refuses the command, as a server that does not offer it does.
    disabledCommands: [...(options.auth ? [] : ['AUTH']), ...(options.starttls ? [] : ['STARTTLS'])],
    logger: false,
    // Tests stop the server while clients may still hold idle connections.
    closeTimeout: 500,
    // Reverse DNS of 127.0.0.1 would only slow every session down.
    disableReverseLookup: true,
    ...(options.idleTimeoutMs ? { socketTimeout: options.idleTimeoutMs } : {}),
    ...hooks(options, messages, connectionIds),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {
    // Client resets and TLS errors are part of the tests; they must not crash the runner.
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    connections: () => connectionIds.size,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
