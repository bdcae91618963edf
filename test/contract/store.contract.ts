import { afterAll, describe, expect } from 'vitest';
import type { Store } from '../../src/storage/ports/index.js';
import { accountsContract } from './accounts.contract.js';
import { adminsContract } from './admins.contract.js';
import { auditContract } from './audit.contract.js';
import { bouncesContract } from './bounces.contract.js';
import { eventsContract } from './events.contract.js';
import { contractContext, message, type ContractOptions } from './fixtures.js';
import { leasesContract } from './leases.contract.js';
import { queueContract } from './queue.contract.js';
import { suppressionContract } from './suppression.contract.js';

export type { ContractOptions } from './fixtures.js';

/**
 * The one suite every store backend must pass. `open` returns a fresh, empty store for each
 * test; `cleanup` runs once after the suite (drop the schema, remove the temp dir).
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  cleanup?: () => Promise<void>,
  options: ContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    const ctx = contractContext(open, options);
    if (cleanup) afterAll(cleanup);

    ctx.test('a store names its backend', async () => {
      expect(['sqlite', 'postgres']).toContain(ctx.store.backend);
    });

    ctx.test('close commits what was requested, and the store refuses work afterwards', async () => {
      const m = message();
      const pending = ctx.store.queue.enqueue(m);
      await ctx.store.close();
      await pending;
      await expect(ctx.store.queue.get(m.id)).rejects.toThrow();
    });

    accountsContract(ctx);
    queueContract(ctx);
    leasesContract(ctx);
    eventsContract(ctx);
    adminsContract(ctx);
    auditContract(ctx);
    bouncesContract(ctx);
    suppressionContract(ctx);
  });
}

