/**
 * Shared setup of the delivery tests: an in-memory store, a message factory, an injected
 * resolver answering from a map, an event recorder, and a worker wired to all of them.
 */
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';
import type { Store } from '../../../src/storage/ports/index.js';
import { deliveryConfig, type DeliveryConfig } from '../../../src/delivery/config.js';
import type { MxResolver } from '../../../src/delivery/route.js';
import type { DeliveryEvent } from '../../../src/delivery/events.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../../src/delivery/worker.js';

export interface Zone {
  mx?: Record<string, Array<{ exchange: string; priority: number }> | 'NXDOMAIN' | 'SERVFAIL'>;
  a?: Record<string, string[]>;
}

const dnsError = (code: string) => Object.assign(new Error(`queryX ${code}`), { code });

/** Answers like node:dns/promises: ENOTFOUND for a missing name, ENODATA for a missing type. */
export function mapResolver(zone: Zone): MxResolver & { queries: string[] } {
  const queries: string[] = [];
  const known = (name: string) => name in (zone.mx ?? {}) || name in (zone.a ?? {});
  return {
    queries,
    async resolveMx(name) {
      queries.push(`MX ${name}`);
      const v = zone.mx?.[name];
      if (v === 'NXDOMAIN') throw dnsError('ENOTFOUND');
      if (v === 'SERVFAIL') throw dnsError('ESERVFAIL');
      if (!v) throw dnsError(known(name) ? 'ENODATA' : 'ENOTFOUND');
      return v;
    },
    async resolve4(name) {
      queries.push(`A ${name}`);
      const v = zone.a?.[name];
      if (!v) throw dnsError(known(name) ? 'ENODATA' : 'ENOTFOUND');
      return v;
    },
    async resolve6(name) {
      queries.push(`AAAA ${name}`);
      throw dnsError(known(name) ? 'ENODATA' : 'ENOTFOUND');
    },
  };
}

let seq = 0;

export function rawMessage(from: string, to: string[], subject = 'Quarterly report', body = 'Hello,\r\nsee attached.\r\n'): Buffer {
  const id = `<m${++seq}.${Date.now()}@example.co.jp>`;
  const head = [`From: <${from}>`, `To: ${to.map((t) => `<${t}>`).join(', ')}`, `Subject: ${subject}`, `Message-ID: ${id}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}

export interface EnqueueOptions {
  from?: string;
  rcpts: string[];
  createdAt?: Date;
  lifetimeHours?: number;
  isDsn?: boolean;
}

/** Enqueues a message created "now" on the harness clock, so it is due at once. */
export async function enqueue(h: Harness, opts: EnqueueOptions): Promise<string> {
  const store = h.store;
  const id = `q${++seq}`;
  const created = opts.createdAt ?? h.clock.now;
  const from = opts.from ?? 'tanaka@example.co.jp';
  await store.queue.enqueue({
    id,
    account: 'tanaka@example.co.jp',
    mailFrom: from,
    messageId: `<${id}@example.co.jp>`,
    rcpts: opts.rcpts,
    raw: rawMessage(from || 'mailer-daemon@example.co.jp', opts.rcpts),
    state: 'queued',
    createdAt: created.toISOString(),
    expiresAt: new Date(created.getTime() + (opts.lifetimeHours ?? 120) * 3_600_000).toISOString(),
    isDsn: opts.isDsn,
  });
  return id;
}

export interface Harness {
  store: Store;
  events: DeliveryEvent[];
  worker: DeliveryWorker;
  config: DeliveryConfig;
  clock: { now: Date };
  close(): Promise<void>;
}

export function harness(configInput: Record<string, unknown>, extra: Partial<DeliveryWorkerOptions> = {}): Harness {
  const store = openSqliteStore(':memory:');
  const events: DeliveryEvent[] = [];
  const config = deliveryConfig({ heloName: 'gw.example.co.jp', idleCloseMs: 200, ...configInput });
  const clock = { now: new Date() };
  const worker = new DeliveryWorker({
    queue: store.queue,
    config,
    owner: 'node-a',
    onEvent: (e) => void events.push(e),
    now: () => clock.now,
    ...extra,
  });
  return {
    store,
    events,
    worker,
    config,
    clock,
    async close() {
      await worker.stop();
      await store.close();
    },
  };
}

/** Moves the injected clock forward, e.g. past a retry delay. */
export function advance(h: Harness, seconds: number): void {
  h.clock.now = new Date(h.clock.now.getTime() + seconds * 1000);
}
