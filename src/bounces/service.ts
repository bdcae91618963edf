import type { ReplayEvent } from '../events/replay.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../storage/ports/index.js';
import type { BouncesConfig } from './config.js';
import { handleInbound } from './handle.js';
import { BounceIntake } from './intake.js';
import { BounceListener } from './listener.js';
import { MailboxPoller, type MailboxClient } from './mailbox.js';
import { BounceRates } from './rates.js';

export interface BounceServiceDeps {
  config: BouncesConfig;
  hostname: string;
  store: Store;
  /** The live detection engine: bounces are fed to it, and a rate past the limit restricts. */
  policy: { observe(event: ReplayEvent): void; restrict(account: string, reason: string): void };
  tls: { key: Buffer; cert: Buffer };
  logger: Logger;
  /** Replaces the IMAP client (tests). */
  mailbox?: () => MailboxClient;
}

export interface BounceService {
  port: number;
  intake: BounceIntake;
  rates: BounceRates;
  poller: MailboxPoller | null;
  stop(): Promise<void>;
}

/**
 * The bounce stage of a running gateway: the listener, the optional mailbox route, one intake
 * both feed, and the rate tracker. Messages an earlier run stored but did not finish are
 * handled again at start.
 */
export async function startBounceService(deps: BounceServiceDeps): Promise<BounceService> {
  const { config, store, logger } = deps;
  const rates = new BounceRates(config.rates, { events: store.events, restrict: (a, r) => deps.policy.restrict(a, r), logger });
  const handleDeps = { store, policy: deps.policy, rates, logger, config };
  const intake = new BounceIntake(store, (m, raw) => handleInbound(m, raw, handleDeps), logger);
  const record = (code: string, data: Record<string, unknown>): void =>
    void store.events.append({ ts: new Date().toISOString(), code, account: null, data }).catch((err) => logger.error({ err, code }, 'event could not be recorded'));
  const listener = new BounceListener({ config, hostname: deps.hostname, tls: deps.tls, intake, record, logger });
  const port = await listener.start();
  const poller = config.imap.enabled ? new MailboxPoller(config.imap, intake, logger, deps.mailbox, config.maxMessageBytes) : null;
  poller?.start();
  const resumed = await intake.resume();
  logger.info({ port, mailbox: poller ? config.imap.mailbox : null, resumed }, 'bounce receiver started');
  return {
    port,
    intake,
    rates,
    poller,
    async stop() {
      await poller?.stop();
      await listener.stop();
      await intake.settled();
    },
  };
}
