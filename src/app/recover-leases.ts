import { hostname } from 'node:os';
import type { Store } from '../storage/ports/index.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * After a crash (kill -9, power loss), this machine's previous gateway process may still hold
 * leases on queued messages. Its leases are released at start when that process is gone, so
 * its messages go out now rather than when the lease would have expired. Leases of other
 * machines are left alone: they expire on their own if those nodes are dead.
 */
export async function recoverLocalLeases(store: Store, self: string): Promise<number> {
  const prefix = `${hostname()}:`;
  let released = 0;
  for (const m of await store.queue.list({ state: 'queued', limit: 1_000_000 })) {
    const owner = m.leaseOwner;
    if (!owner || owner === self || !owner.startsWith(prefix)) continue;
    const pid = Number(owner.slice(prefix.length));
    if (Number.isInteger(pid) && !alive(pid)) {
      await store.queue.releaseLease(m.id, owner);
      released++;
    }
  }
  return released;
}
