import { ImapFlow } from 'imapflow';
import type { Logger } from '../observability/logger.js';
import type { BounceImapConfig } from './config.sections.js';
import type { BounceIntake } from './intake.js';

/** What the poller needs from a mailbox; the IMAP client below, or a stand-in in tests. */
export interface MailboxClient {
  open(): Promise<void>;
  /** UIDs and sizes of the unseen messages, oldest first. */
  unseen(): Promise<{ uid: number; size: number }[]>;
  fetch(uid: number): Promise<Buffer>;
  /** Marks a message handled: moved to `moveTo`, or flagged seen. */
  done(uid: number): Promise<void>;
  close(): Promise<void>;
}

/** Messages taken per poll, so one full mailbox does not hold the store for minutes. */
const PER_POLL = 200;

export function imapClient(cfg: BounceImapConfig, env: NodeJS.ProcessEnv = process.env): MailboxClient {
  const client = new ImapFlow({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    auth: { user: cfg.user, pass: env.MAILWARDEN_IMAP_PASSWORD || cfg.password },
    logger: false,
  });
  let release: (() => void) | null = null;
  return {
    async open() {
      await client.connect();
      release = (await client.getMailboxLock(cfg.mailbox)).release;
    },
    async unseen() {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      if (uids.length === 0) return [];
      const sized = await client.fetchAll(uids.slice(0, PER_POLL), { uid: true, size: true }, { uid: true });
      return sized.map((m) => ({ uid: m.uid, size: m.size ?? 0 })).sort((a, b) => a.uid - b.uid);
    },
    async fetch(uid) {
      const m = await client.fetchOne(String(uid), { source: true }, { uid: true });
      return m && m.source ? m.source : Buffer.alloc(0);
    },
    async done(uid) {
      if (cfg.moveTo) await client.messageMove(String(uid), cfg.moveTo, { uid: true });
      else await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    },
    async close() {
      release?.();
      await client.logout().catch(() => client.close());
    },
  };
}

/**
 * The mailbox route: where the bounce domain's MX is a hosted mail service rather than this
 * gateway, bounces are read from a mailbox there. Each message is committed to the bounce store
 * before it is marked handled on the server, so a crash between the two reads it again (handled
 * twice at worst, never lost). Failure policy: a poll that fails is logged and tried again at
 * the next interval; mail waits safely in the mailbox meanwhile.
 */
export class MailboxPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly cfg: BounceImapConfig,
    private readonly intake: Pick<BounceIntake, 'receive'>,
    private readonly logger: Logger,
    private readonly connect: () => MailboxClient = () => imapClient(cfg),
    private readonly maxMessageBytes = 10 * 1024 * 1024,
  ) {}

  start(): void {
    const tick = () => {
      this.running ??= this.pollOnce()
        .catch((err: unknown) => {
          this.logger.warn({ err, host: this.cfg.host, mailbox: this.cfg.mailbox }, 'bounce mailbox poll failed; will retry');
          return 0;
        })
        .finally(() => (this.running = null));
    };
    tick();
    this.timer = setInterval(tick, this.cfg.intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass over the unseen messages; returns how many were taken in. */
  async pollOnce(): Promise<number> {
    const client = this.connect();
    await client.open();
    let taken = 0;
    try {
      for (const { uid, size } of await client.unseen()) {
        if (size > this.maxMessageBytes) {
          // marked handled so that it is not fetched again at every poll; the log says where it is
          this.logger.warn({ uid, size, mailbox: this.cfg.mailbox }, 'message in the bounce mailbox is over the size limit; skipped');
          await client.done(uid);
          continue;
        }
        const raw = await client.fetch(uid);
        await this.intake.receive({ source: 'imap', remote: `${this.cfg.mailbox}:${uid}`, mailFrom: '', rcpts: [], raw });
        await client.done(uid);
        taken++;
      }
    } finally {
      await client.close();
    }
    return taken;
  }
}
