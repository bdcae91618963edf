import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { GatewayError, isStorageFull } from '../errors/catalogue.js';
import type { Logger } from '../observability/logger.js';
import type { BouncesConfig } from './config.js';
import type { BounceIntake } from './intake.js';
import { checkBounceRecipient } from './rcpt-to.js';

export interface BounceListenerDeps {
  config: BouncesConfig;
  hostname: string;
  /** The gateway's certificate: remote MTAs get STARTTLS, as on any MX. */
  tls: { key: Buffer; cert: Buffer };
  intake: BounceIntake;
  /** Records a refusal worth an administrator's attention (forged or expired token). */
  record(code: string, data: Record<string, unknown>): void;
  logger: Logger;
}

/** Forged-token events recorded per minute at most: a flood must not become a flood of writes. */
const EVENTS_PER_MINUTE = 60;

/**
 * The bounce listener: the MX of the bounce domains. No AUTH and no relaying: RCPT TO is
 * accepted only for signed return paths that verify and for the report addresses. A message
 * is committed to the store before "250", so no bounce is lost when handling fails.
 */
export class BounceListener {
  private server: SMTPServer | null = null;
  private readonly perIp = new Map<string, number>();
  private readonly window = { minute: 0, count: 0, dropped: 0 };

  constructor(private readonly deps: BounceListenerDeps) {}

  async start(): Promise<number> {
    const server = new SMTPServer(this.options());
    server.on('error', (err) => this.deps.logger.error({ err }, 'bounce listener error'));
    server.listen(this.deps.config.port, this.deps.config.host);
    await once(server.server, 'listening');
    this.server = server;
    const address = server.server.address();
    return typeof address === 'object' && address ? address.port : this.deps.config.port;
  }

  async stop(graceMs = 5_000): Promise<void> {
    const server = this.server;
    if (!server) return;
    (server.options as SMTPServerOptions).closeTimeout = graceMs;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private options(): SMTPServerOptions {
    const c = this.deps.config;
    return {
      key: this.deps.tls.key,
      cert: this.deps.tls.cert,
      minVersion: 'TLSv1.2',
      name: this.deps.hostname,
      banner: 'Mailwarden bounce receiver',
      size: c.maxMessageBytes,
      authOptional: true,
      disabledCommands: ['AUTH'],
      maxClients: c.maxClients,
      maxRecipients: c.maxRecipients,
      socketTimeout: c.socketTimeoutSeconds * 1000,
      closeTimeout: 5_000,
      disableReverseLookup: true,
      logger: false,
      onConnect: (session, cb) => cb(this.admit(session)),
      onClose: (session) => this.release(session),
      onRcptTo: (address, session, cb) => cb(this.rcptTo(address.address, session)),
      onData: (stream, session, cb) => {
        this.data(stream, session).then(
          (reply) => cb(null, reply),
          (err: unknown) => {
            stream.resume();
            cb(err instanceof GatewayError ? err : this.internal(err));
          },
        );
      },
    };
  }

  private admit(session: SMTPServerSession): GatewayError | null {
    const n = (this.perIp.get(session.remoteAddress) ?? 0) + 1;
    this.perIp.set(session.remoteAddress, n);
    return n > this.deps.config.maxClientsPerIp ? new GatewayError('TOO_MANY_CONNECTIONS') : null;
  }

  private release(session: SMTPServerSession): void {
    const n = (this.perIp.get(session.remoteAddress) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(session.remoteAddress);
    else this.perIp.set(session.remoteAddress, n);
  }

  private rcptTo(address: string, session: SMTPServerSession): GatewayError | null {
    const decision = checkBounceRecipient(address, this.deps.config);
    if (decision.accept) return null;
    if (decision.event) this.recordCapped(decision.event.code, { address, ip: session.remoteAddress, reason: decision.event.reason });
    this.deps.logger.info({ address, ip: session.remoteAddress, code: decision.error.code }, 'bounce listener refused a recipient');
    return decision.error;
  }

  /** Refusals past the per-minute cap are counted and reported with the next recorded one. */
  private recordCapped(code: string, data: Record<string, unknown>): void {
    const w = this.window;
    const minute = Math.floor(Date.now() / 60_000);
    if (w.minute !== minute) Object.assign(w, { minute, count: 0 });
    if (w.count >= EVENTS_PER_MINUTE) {
      w.dropped++;
      return;
    }
    w.count++;
    this.deps.record(code, { ...data, droppedBefore: w.dropped });
    w.dropped = 0;
  }

  private async data(stream: Readable & { sizeExceeded?: boolean }, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw new GatewayError('MESSAGE_TOO_BIG', { max: this.deps.config.maxMessageBytes });
    const id = await this.deps.intake.receive({
      source: 'smtp',
      remote: session.remoteAddress,
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcpts: session.envelope.rcptTo.map((r) => r.address),
      raw: Buffer.concat(chunks),
    });
    return `2.0.0 Bounce received as ${id}`;
  }

  private internal(err: unknown): GatewayError {
    this.deps.logger.error({ err }, 'bounce could not be stored');
    return new GatewayError(isStorageFull(err) ? 'STORAGE_FULL' : 'STORE_UNAVAILABLE');
  }
}
