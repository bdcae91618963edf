/**
 * Outbound connections by destination, with a cap per destination and in total.
 * Receivers throttle senders that open many parallel connections (421 4.7.0 "too many
 * connections"), so the per-destination cap protects our reputation as much as our sockets.
 * A connection is kept open between transactions (RSET, RFC 5321 §4.1.1.5) and closed when idle.
 */
import { closeSession, resetSession, type Session } from './session.js';

export interface PoolLimits {
  total: number;
  perDestination: number;
  idleMs: number;
  maxUses: number;
}

/** The right to use one connection slot of a destination; `session` is an idle one to reuse. */
export interface Slot {
  key: string;
  session: Session | null;
}

interface Waiter {
  key: string;
  grant: (slot: Slot) => void;
}

export class ConnectionPool {
  private readonly idle = new Map<string, Array<{ session: Session; timer: NodeJS.Timeout }>>();
  private readonly open = new Map<string, number>();
  private total = 0;
  private waiters: Waiter[] = [];
  private closed = false;
  /** Connections opened over the pool's life; lets tests and metrics see reuse. */
  opened = 0;

  constructor(private readonly limits: PoolLimits) {}

  acquire(key: string): Promise<Slot> {
    const slot = this.tryGrant(key);
    if (slot) return Promise.resolve(slot);
    return new Promise((grant) => this.waiters.push({ key, grant }));
  }

  /** Records that a slot got a freshly opened session. */
  noteOpened(): void {
    this.opened++;
  }

  /**
   * Returns a slot. A healthy session goes back to the idle list after RSET; anything else is
   * closed and its slot freed for the next waiter.
   */
  async release(key: string, session: Session | null, reusable: boolean): Promise<void> {
    const keep =
      session !== null && reusable && !this.closed && session.uses < this.limits.maxUses && (await resetSession(session));
    if (session && keep) {
      const timer = setTimeout(() => this.expireIdle(key, session), this.limits.idleMs);
      timer.unref();
      this.idleList(key).push({ session, timer });
    } else {
      if (session) closeSession(session);
      this.free(key);
    }
    this.serveWaiters();
  }

  /** Lets a pool closed by closeAll() keep connections idle again (worker restarted). */
  reopen(): void {
    this.closed = false;
  }

  /** Closes every idle connection; busy ones close when released. */
  closeAll(): void {
    this.closed = true;
    for (const [key, list] of this.idle) {
      for (const { session, timer } of list.splice(0)) {
        clearTimeout(timer);
        closeSession(session);
        this.free(key);
      }
    }
  }

  private tryGrant(key: string): Slot | null {
    const reuse = this.takeIdle(key);
    if (reuse) return { key, session: reuse };
    if ((this.open.get(key) ?? 0) >= this.limits.perDestination) return null;
    if (this.total >= this.limits.total && !this.evictIdleElsewhere(key)) return null;
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
    this.total++;
    return { key, session: null };
  }

  private takeIdle(key: string): Session | null {
    const list = this.idle.get(key);
    while (list && list.length) {
      const { session, timer } = list.shift()!;
      clearTimeout(timer);
      if (session.alive && !session.conn.destroyed) return session;
      // The server closed it while idle: its slot is free again.
      closeSession(session);
      this.free(key);
    }
    return null;
  }

  /** At the total cap, an idle connection of another destination yields its slot. */
  private evictIdleElsewhere(key: string): boolean {
    for (const [other, list] of this.idle) {
      if (other === key || !list.length) continue;
      const { session, timer } = list.shift()!;
      clearTimeout(timer);
      closeSession(session);
      this.free(other);
      return true;
    }
    return false;
  }

  private expireIdle(key: string, session: Session): void {
    const list = this.idle.get(key);
    const i = list ? list.findIndex((e) => e.session === session) : -1;
    if (!list || i < 0) return;
    list.splice(i, 1);
    closeSession(session);
    this.free(key);
    this.serveWaiters();
  }

  private free(key: string): void {
    const n = (this.open.get(key) ?? 1) - 1;
    if (n > 0) this.open.set(key, n);
    else this.open.delete(key);
    this.total = Math.max(0, this.total - 1);
  }

  private serveWaiters(): void {
    const pending = this.waiters;
    this.waiters = [];
    for (const w of pending) {
      const slot = this.tryGrant(w.key);
      if (slot) w.grant(slot);
      else this.waiters.push(w);
    }
  }

  private idleList(key: string) {
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    return list;
  }
}
