/**
 * At most a few credential checks in flight per source.
 *
 * The guard decides before a check and learns the outcome after it, with an argon2 run in
 * between. A guessing tool that opens many connections, or pipelines AUTH lines, would otherwise
 * get every attempt past the guard before the first failure is recorded, and the ban would come
 * only after all of them had been hashed. Holding each source to a small number of checks at a
 * time keeps the guard's view current, so the argon2 work a source can cause is bounded by the
 * ban thresholds, whatever its parallelism. Waiting attempts cost a closure each; a source cannot
 * queue more of them than the connections it is allowed to hold.
 *
 * A slot is released by the outcome, or after `maxHoldMs` if the outcome never arrives (a store
 * error between the check and the outcome), so that no fault can wedge a source for good.
 */
export class SourceGate {
  private readonly slots = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(
    private readonly perSource: number,
    private readonly maxHoldMs = 30_000,
  ) {}

  /** Resolves when the source may proceed; call the returned function once the outcome is known. */
  async enter(source: string): Promise<() => void> {
    let slot = this.slots.get(source);
    if (!slot) {
      slot = { active: 0, waiting: [] };
      this.slots.set(source, slot);
    }
    if (slot.active >= this.perSource) {
      const s = slot;
      await new Promise<void>((resolve) => s.waiting.push(resolve));
    } else {
      slot.active++;
    }
    return this.releaser(source);
  }

  /** Sources with a check in flight (for tests and metrics). */
  get size(): number {
    return this.slots.size;
  }

  private releaser(source: string): () => void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.leave(source);
    };
    const timer = setTimeout(release, this.maxHoldMs);
    timer.unref();
    return release;
  }

  /** Hands the slot to the next waiting attempt, or frees it. */
  private leave(source: string): void {
    const slot = this.slots.get(source);
    if (!slot) return;
    const next = slot.waiting.shift();
    if (next) return next();
    slot.active--;
    if (slot.active <= 0) this.slots.delete(source);
  }
}
