import { queueId } from '../core/ids.js';
import type { Logger } from '../observability/logger.js';
import type { InboundMessage, InboundOutcome, NewInbound, Store } from '../storage/ports/index.js';

export type InboundHandler = (message: InboundMessage, raw: Buffer) => Promise<InboundOutcome>;

/**
 * The durable entry of every received bounce, whichever route it came by (SMTP listener or
 * mailbox): the raw message is committed first, and only then is the sender told "250" (or
 * the mailbox copy marked seen). Handling runs afterwards, one message at a time so rate
 * levels change in arrival order; a failure is recorded on the message and it is handled again
 * at the next start.
 */
export class BounceIntake {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly handler: InboundHandler,
    private readonly logger: Logger,
  ) {}

  /** Resolves with the id once the raw message is on durable storage; handling follows. */
  async receive(m: Omit<NewInbound, 'id' | 'receivedAt'> & { receivedAt?: string }): Promise<string> {
    const id = queueId();
    await this.store.bounces.receive({ ...m, id, receivedAt: m.receivedAt ?? new Date().toISOString() });
    this.enqueue(id);
    return id;
  }

  /** Handles what an earlier run stored but did not finish (a crash, a failure). */
  async resume(): Promise<number> {
    const left = [...(await this.store.bounces.list({ state: 'pending' })), ...(await this.store.bounces.list({ state: 'failed' }))];
    for (const m of left) this.enqueue(m.id);
    return left.length;
  }

  /** Waits for the handling already requested (tests, shutdown). */
  settled(): Promise<void> {
    return this.chain;
  }

  private enqueue(id: string): void {
    this.chain = this.chain.then(() => this.handle(id));
  }

  private async handle(id: string): Promise<void> {
    const at = () => new Date().toISOString();
    try {
      const [message, raw] = await Promise.all([this.store.bounces.get(id), this.store.bounces.getRaw(id)]);
      if (!message || !raw) return;
      const outcome = await this.handler(message, raw);
      await this.store.bounces.finish(id, outcome, at());
    } catch (err) {
      this.logger.error({ err, bounceId: id }, 'received bounce could not be handled; kept for the next start');
      const failed: InboundOutcome = { state: 'failed', kind: null, account: null, queueId: null, summary: {}, error: String((err as Error)?.message ?? err) };
      await this.store.bounces.finish(id, failed, at()).catch((e) => this.logger.error({ err: e, bounceId: id }, 'bounce failure not recorded'));
    }
  }
}
