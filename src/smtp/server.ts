import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { SMTPServer, SMTPServerOptions } from 'smtp-server';
import type { Config } from '../config/index.js';
import { GatewayError, isStorageFull } from '../errors/catalogue.js';
import type { Logger } from '../observability/logger.js';
import { onData } from './data.js';
import { ProxyAwareSmtpServer } from './proxy-server.js';
import { checkEnvelopeSender, reportRefusedSender } from './mail-from.identity.js';
import { MALFORMED_AUTH, markAuthAnswered, watchMalformedAuth } from './auth.malformed.js';
import { DeviceRegistry, isDeviceUser } from '../auth/devices.js';
import type { Session, SubmissionPorts } from './types.js';

export interface Listener {
  name: 'starttls' | 'tls' | 'plain' | 'bounce' | 'device';
  port: number;
}

/**
 * The submission service: one smtp-server per port. AUTH is offered only inside TLS
 * (RFC 8314; `allowInsecureAuth` stays false), and every hook is a phase of the session.
 */
export class SubmissionService {
  private readonly servers: { name: Listener['name']; server: SMTPServer }[] = [];
  private readonly perIp = new Map<string, number>();
  private readonly commands = new Map<string, number>();
  readonly listeners: Listener[] = [];
  /** Printers and scanners that cannot authenticate, known by their source address. */
  private readonly devices: DeviceRegistry;

  constructor(
    private readonly config: Config & { configDir: string },
    private readonly ports: SubmissionPorts,
    private readonly logger: Logger,
    private readonly tls: { key: Buffer; cert: Buffer },
  ) {
    this.devices = new DeviceRegistry(config.auth.devices, config.detection.orgDomains);
  }

  async start(): Promise<Listener[]> {
    const s = this.config.submission;
    const wanted: [Listener['name'], number | null][] = [
      ['starttls', s.starttlsPort],
      ['tls', s.tlsPort],
      ['plain', s.plainPortForTests],
      ['device', s.devicePort],
    ];
    for (const [name, port] of wanted) {
      if (port === null) continue;
      const server = new ProxyAwareSmtpServer(this.options(name), s.trustedProxies);
      server.on('error', (err) => this.logger.error({ err, listener: name }, 'smtp listener error'));
      watchMalformedAuth(server, (session) => this.countMalformedAuth(session));
      server.listen(port, s.host);
      await once(server.server, 'listening');
      const address = server.server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      this.servers.push({ name, server });
      this.listeners.push({ name, port: actual });
    }
    return this.listeners;
  }

  /** Stops accepting connections; sessions in flight finish their current transaction. */
  async stop(graceMs = 10_000): Promise<void> {
    await Promise.all(
      this.servers.map(({ server }) => {
        (server.options as SMTPServerOptions).closeTimeout = graceMs;
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  /** Cuts every live session of an account (containment): the attacker's open connections end now. */
  closeSessionsOf(account: string): number {
    let closed = 0;
    for (const { server } of this.servers) {
      for (const conn of (server as unknown as { connections: Set<ConnectionLike> }).connections) {
        if (conn.session?.user?.address === account) {
          conn.send(421, '4.7.1 Session closed by the administrator of this gateway');
          conn.close();
          closed++;
        }
      }
    }
    return closed;
  }

  private options(name: Listener['name']): SMTPServerOptions {
    const s = this.config.submission;
    const tls = name === 'plain' ? {} : { key: this.tls.key, cert: this.tls.cert, minVersion: 'TLSv1.2' as const };
    return {
      ...tls,
      secure: name === 'tls',
      hideSTARTTLS: name === 'plain',
      name: this.config.hostname,
      banner: 'Mailwarden ESMTP',
      size: s.maxMessageBytes,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      disabledCommands: name === 'plain' ? ['AUTH', 'STARTTLS'] : name === 'device' ? ['AUTH'] : [],
      maxClients: s.maxClients,
      maxRecipients: s.maxRecipients,
      maxAllowedUnauthenticatedCommands: s.maxUnauthenticatedCommands,
      maxCommandLength: s.maxCommandLength,
      socketTimeout: s.socketTimeoutSeconds * 1000,
      disableReverseLookup: true,
      logger: false,
      onConnect: (session, cb) => {
        // AUTH is not even advertised before TLS (RFC 8314): a client must never be invited to
        // send a password in clear. The TLS handshake lifts this in onSecure.
        if (!session.secure) (session as Session & { disabledCommands?: string[] }).disabledCommands = ['AUTH'];
        this.onConnect(session as Session, cb, name);
      },
      onSecure: (_socket, session, cb) => {
        (session as Session & { disabledCommands?: string[] }).disabledCommands = name === 'plain' || name === 'device' ? ['AUTH'] : [];
        // STARTTLS forgets the identity (RFC 3207 §4.2); a device is known again by its address.
        const device = name === 'plain' ? null : this.devices.userFor(session.remoteAddress);
        if (device) (session as Session).user = device;
        cb();
      },
      onClose: (session) => this.onClose(session as Session),
      onAuth: (auth, session, cb) => {
        this.ports
          .authenticate({
            username: auth.username ?? '',
            password: auth.password ?? '',
            ip: session.remoteAddress,
            mechanism: auth.method,
            sessionId: session.id,
          })
          .then((r) => {
            markAuthAnswered(session as Session);
            if (!r.ok) return cb(r.error);
            cb(null, { user: { address: r.account.address, aliases: r.account.aliases, appPasswordId: r.appPasswordId } });
          }, (err) => (markAuthAnswered(session as Session), cb(this.internal(err))));
      },
      onMailFrom: (address, session, cb) => {
        this.onMailFrom(address.address, session as Session).then(() => cb(), (err) => cb(err));
      },
      onRcptTo: (address, session, cb) => {
        const over = this.countCommand(session as Session);
        if (over) return cb(over);
        this.onRcptTo(address.address, session as Session).then((refused) => cb(refused), (err) => cb(this.internal(err)));
      },
      onData: (stream, session, cb) => {
        onData(stream, session as Session, this.config, this.ports).then(
          (reply) => cb(null, reply),
          (err) => {
            stream.resume();
            cb(err instanceof GatewayError ? err : this.internal(err));
          },
        );
      },
    };
  }

  private onConnect(session: Session, cb: (err?: Error | null) => void, listener: Listener['name']): void {
    const n = (this.perIp.get(session.remoteAddress) ?? 0) + 1;
    this.perIp.set(session.remoteAddress, n);
    if (n > this.config.submission.maxClientsPerIp) return cb(new GatewayError('TOO_MANY_CONNECTIONS'));
    // A listed device is authenticated by its source address (src/auth/devices.ts): in clear on
    // the device port only, elsewhere once TLS is up (onSecure). No one else may use the device port.
    const device = listener === 'plain' ? null : this.devices.userFor(session.remoteAddress);
    if (listener === 'device' && !device) return cb(new GatewayError('AUTH_REQUIRED'));
    if (device && (listener === 'device' || session.secure)) session.user = device;
    cb();
  }

  private onClose(session: Session): void {
    const n = (this.perIp.get(session.remoteAddress) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(session.remoteAddress);
    else this.perIp.set(session.remoteAddress, n);
    this.commands.delete(session.id);
  }

  /** MAIL and RCPT commands are budgeted per session; smtp-server caps unknown and pre-AUTH commands. */
  private countCommand(session: Session): GatewayError | null {
    const n = (this.commands.get(session.id) ?? 0) + 1;
    this.commands.set(session.id, n);
    return n > this.config.submission.maxCommands ? new GatewayError('TOO_MANY_COMMANDS') : null;
  }

  private async onMailFrom(address: string, session: Session): Promise<void> {
    const over = this.countCommand(session);
    if (over) throw over;
    const user = session.user;
    // Before TLS, AUTH is not even offered, so smtp-server lets MAIL through to here unauthenticated.
    if (!user) throw new GatewayError('AUTH_REQUIRED');
    // A device has no stored account: its one sender and its own hourly budget apply.
    if (isDeviceUser(user)) {
      checkEnvelopeSender(user, address);
      const refused = this.devices.checkMailFrom(user);
      if (refused) throw refused;
      return;
    }
    const account = await this.ports.currentAccount(user.address);
    if (!account || account.disabled) throw new GatewayError('AUTH_FAILED');
    if (account.state === 'restricted') throw new GatewayError('ACCOUNT_RESTRICTED');
    try {
      checkEnvelopeSender({ ...user, aliases: account.aliases }, address);
    } catch (err) {
      reportRefusedSender(err, user, session, this.ports);
      throw err;
    }
  }

  /** RCPT TO: a device's recipient rules first, then the suppression list. */
  private async onRcptTo(address: string, session: Session): Promise<GatewayError | null> {
    if (isDeviceUser(session.user)) {
      const isAccount = (await this.ports.currentAccount(address.toLowerCase())) !== null;
      const refused = this.devices.checkRecipient(session.user, session.envelope.rcptTo.length, address, isAccount);
      if (refused) return refused;
    }
    return this.ports.checkRecipient ? this.ports.checkRecipient(address) : null;
  }

  /**
   * A malformed AUTH already has its 5xx from smtp-server; it also counts as a failed login for
   * the brute-force guard. The password is random so that repeats are not taken for one stale
   * password, and the check behind it runs no hash for this mechanism.
   */
  private countMalformedAuth(session: Session): void {
    const req = { username: '', password: randomBytes(18).toString('base64'), ip: session.remoteAddress, mechanism: MALFORMED_AUTH, sessionId: session.id };
    this.ports.authenticate(req).catch((err: unknown) => this.logger.error({ err }, 'malformed AUTH not counted'));
  }

  private internal(err: unknown): GatewayError {
    if (isStorageFull(err)) {
      this.logger.error({ err, alert: true, code: 'store:full' }, 'the store is full: submissions are refused with 452 4.3.1 until space is freed');
      return new GatewayError('STORAGE_FULL');
    }
    this.logger.error({ err }, 'submission failed on an unexpected error');
    return new GatewayError('STORE_UNAVAILABLE');
  }
}

interface ConnectionLike {
  session?: Session;
  send(code: number, text: string): void;
  close(): void;
}

export function loadTls(paths: { key: string; cert: string }): { key: Buffer; cert: Buffer } {
  return { key: readFileSync(paths.key), cert: readFileSync(paths.cert) };
}
