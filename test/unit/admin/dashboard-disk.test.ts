import { describe, expect, it } from 'vitest';
import { ApiClient, startApiFixture } from './api-client.js';

async function dashboardWith(storeFree?: () => Promise<number | null>) {
  const fx = await startApiFixture({}, storeFree ? { storeFree } : {});
  try {
    const c = new ApiClient(fx.base);
    expect((await c.signIn('auditor', await fx.totp('auditor'))).status).toBe(200);
    return (await c.call('GET', '/api/dashboard')).json.storeDisk;
  } finally {
    await fx.close();
  }
}

describe('admin API: the dashboard\'s word on the store\'s disk', () => {
  it('says how much is free and whether it is under the warning level', async () => {
    expect(await dashboardWith(async () => 300 * 1024 * 1024)).toEqual({ freeMb: 300, warnFreeMb: 1024, low: true });
    expect(await dashboardWith(async () => 50 * 1024 * 1024 * 1024)).toEqual({ freeMb: 51200, warnFreeMb: 1024, low: false });
  });

  it('says nothing for a store whose disk it does not watch (PostgreSQL), or cannot read', async () => {
    expect(await dashboardWith()).toBeNull();
    expect(await dashboardWith(async () => null)).toBeNull();
  });
});
