import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { limitsOnly, sendVia, waitFor } from './nodes.js';

const ACCOUNT = 'fallback@example.co.jp';

/** A port nothing listens on: the node's Redis is "down" from the start. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

async function node(redisPort: number, redis: Record<string, unknown> = {}): Promise<TestGateway> {
  return startTestGateway({
    accounts: [{ address: ACCOUNT }],
    config: {
      submission: { trustedProxies: ['127.0.0.1'] },
      detection: limitsOnly(10),
      redis: { url: `redis://127.0.0.1:${redisPort}`, keyPrefix: 'mwtest:down:', connectTimeoutMs: 500, probeIntervalMs: 200, ...redis },
    },
  });
}

async function burst(gw: TestGateway, n: number, from = 0): Promise<(number | null)[]> {
  const codes: (number | null)[] = [];
  for (let i = from; i < from + n; i++) codes.push((await sendVia(gw.starttlsPort, `192.0.2.${i + 1}`, ACCOUNT, `to${i}@dest.example`)).code);
  return codes;
}

const events = async (gw: TestGateway, code: string) => gw.gateway.store.events.query({ codes: [code], limit: 10 });

describe('a node whose Redis is unreachable', () => {
  const running: TestGateway[] = [];
  afterEach(async () => {
    for (const gw of running.splice(0)) await gw.stop();
  });

  it('starts, records cluster:redis-down, and in "local" mode accepts up to half the limit on its own counters', async () => {
    const gw = await node(await closedPort());
    running.push(gw);
    expect(gw.gateway.cluster.state()).toBe('down');
    expect(await waitFor(async () => (await events(gw, 'cluster:redis-down')).length === 1, 3000)).toBe(true);
    const codes = await burst(gw, 6);
    expect(codes).toEqual([250, 250, 250, 250, 250, 451]);
    const refused = await events(gw, 'policy:refused');
    expect(JSON.stringify(refused.at(-1)?.data)).toMatch(/6 messages in a minute \(limit 5\).*divided by 2 while Redis is unreachable/);
  });

  it('defers every submission with 451 4.3.0 in "closed" mode', async () => {
    const gw = await node(await closedPort(), { onUnavailable: 'closed' });
    running.push(gw);
    const result = await sendVia(gw.starttlsPort, '192.0.2.50', ACCOUNT, 'to@dest.example');
    expect(result.code).toBe(451);
    expect(result.response).toContain('4.3.0');
    expect(await gw.gateway.store.queue.list({ state: 'queued', limit: 10 })).toHaveLength(0);
  });

  const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
  it.skipIf(!hasRedisServer)('falls back when Redis dies and uses the cluster-wide counters again as soon as it is back', async () => {
    const port = await closedPort();
    const startRedis = async (): Promise<ChildProcess> => {
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await waitFor(() => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().includes('PONG') ?? false, 5000, 50);
      return child;
    };
    let redis = await startRedis();
    try {
      const gw = await node(port);
      running.push(gw);
      expect(gw.gateway.cluster.state()).toBe('up');
      expect(await burst(gw, 2)).toEqual([250, 250]);

      redis.kill('SIGKILL');
      await once(redis, 'exit');
      expect(await waitFor(() => gw.gateway.cluster.state() === 'down', 3000)).toBe(true);
      // Two already counted locally; half of ten leaves three more.
      expect(await burst(gw, 4, 2)).toEqual([250, 250, 250, 451]);
      expect(await events(gw, 'cluster:redis-down')).toHaveLength(1);

      redis = await startRedis();
      expect(await waitFor(() => gw.gateway.cluster.state() === 'up', 5000)).toBe(true);
      expect(await waitFor(async () => (await events(gw, 'cluster:redis-up')).length === 1, 3000)).toBe(true);
      // The halved fallback limit (five, all used) no longer applies: the new Redis starts empty,
      // and what remains is the node's own engine at the full limit of ten.
      expect(await burst(gw, 5, 6)).toEqual([250, 250, 250, 250, 250]);
    } finally {
      redis.kill('SIGKILL');
    }
  });
});
