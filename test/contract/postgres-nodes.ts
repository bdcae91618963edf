import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import type { Store } from '../../src/storage/ports/index.js';
import { message } from './fixtures.js';
import type { TestSchemas } from './postgres-schema.js';

/** Claims in small bites until nothing is due, as a delivery node's scheduler would. */
async function drain(store: Store, owner: string, now: Date): Promise<string[]> {
  const got: string[] = [];
  for (;;) {
    const batch = await store.queue.claimDue(owner, now, 7, 60_000);
    if (batch.length === 0) return got;
    for (const m of batch) {
      got.push(m.id);
      expect(m.leaseOwner).toBe(owner);
    }
  }
}

/** Behaviour that only shows with several nodes (pools) on one PostgreSQL database. */
export function describePostgresNodes(schemas: TestSchemas): void {
  describe('postgres: several nodes on one database', () => {
    afterAll(() => schemas.dropAll());

    it('nodes starting at the same moment migrate once and all open', async () => {
      const url = await schemas.create();
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgresStore(url)));
      try {
        await stores[0].queue.enqueue(message());
        expect((await stores[3].queue.counts()).queued).toBe(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('two nodes claiming 200 messages at once claim each exactly once', async () => {
      const url = await schemas.create();
      const [a, b] = [await openPostgresStore(url), await openPostgresStore(url)];
      try {
        const all = Array.from({ length: 200 }, () => message());
        await Promise.all(all.map((m, i) => (i % 2 ? a : b).queue.enqueue(m)));
        const now = new Date();
        const runs = await Promise.all([drain(a, 'node-a', now), drain(b, 'node-b', now), drain(a, 'node-a2', now)]);
        const claimed = runs.flat();
        expect(claimed).toHaveLength(200);
        expect(new Set(claimed).size).toBe(200);
        expect(new Set(claimed)).toEqual(new Set(all.map((m) => m.id)));
        expect(runs.filter((r) => r.length > 0).length).toBeGreaterThan(1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('a message enqueued on one node is committed and visible to another when enqueue resolves', async () => {
      const url = await schemas.create();
      const [a, b] = [await openPostgresStore(url), await openPostgresStore(url)];
      try {
        const m = message();
        await a.queue.enqueue(m);
        expect((await b.queue.get(m.id))?.recipients).toHaveLength(2);
        expect((await b.queue.getRaw(m.id))!.equals(m.raw)).toBe(true);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
