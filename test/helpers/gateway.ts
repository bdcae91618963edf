/**
 * A whole gateway for end-to-end tests: a temp directory initialised like `mailwarden init`,
 * every port on 127.0.0.1:0, delivery to a fake next hop, and accounts created in its store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/app/gateway.js';
import { initialise } from '../../src/app/init.js';
import { hashPassword } from '../../src/auth/password-hash.js';
import type { LoadedConfig } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { writeFileSync } from 'node:fs';

export const PASSWORD = 'correct horse battery staple 猫';

export interface TestGateway {
  gateway: Gateway;
  config: LoadedConfig;
  dir: string;
  starttlsPort: number;
  tlsPort: number;
  stop(): Promise<void>;
}

export interface TestGatewayOptions extends GatewayOptions {
  nextHopPort?: number;
  accounts?: { address: string; aliases?: string[] }[];
  /** Deep-merged over the generated config. */
  config?: Record<string, unknown>;
  dir?: string;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && typeof a[k] === 'object' ? merge(a[k] as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export function writeTestConfig(dir: string, opts: TestGatewayOptions): string {
  const base: Record<string, unknown> = {
    hostname: 'gw.test',
    lang: 'en',
    store: 'sqlite:data/mailwarden.db',
    tls: { cert: 'data/tls/cert.pem', key: 'data/tls/key.pem' },
    submission: { host: '127.0.0.1', starttlsPort: 0, tlsPort: 0 },
    log: { level: 'silent' },
    delivery: opts.nextHopPort
      ? { mode: 'smarthost', smarthost: { host: '127.0.0.1', port: opts.nextHopPort, security: 'none' }, pollMs: 50, retry: { initialSeconds: 1, factor: 1, maxSeconds: 1 } }
      : { pollMs: 50 },
    bounces: { enabled: false },
    admin: { port: 0 },
  };
  const path = join(dir, 'mailwarden.yaml');
  writeFileSync(path, stringify(merge(base, opts.config ?? {})));
  return path;
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'mw-gw-'));
  await initialise(dir, 'gw.test');
  const config = loadConfig(writeTestConfig(dir, opts));
  const gateway = await startGateway(config, { logger: opts.logger ?? createLogger('silent'), resolver: opts.resolver, nodeId: opts.nodeId });
  const hash = await hashPassword(PASSWORD);
  for (const a of opts.accounts ?? [{ address: 'tanaka@example.co.jp' }]) {
    if (!(await gateway.store.accounts.get(a.address))) {
      await gateway.store.accounts.create({ address: a.address, name: '', passwordHash: hash, aliases: a.aliases ?? [] });
    }
  }
  const port = (name: string) => gateway.listeners.find((l) => l.name === name)?.port ?? 0;
  return {
    gateway,
    config,
    dir,
    starttlsPort: port('starttls'),
    tlsPort: port('tls'),
    async stop() {
      await gateway.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
