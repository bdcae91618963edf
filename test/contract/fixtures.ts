import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, it } from 'vitest';
import type { NewAccount, NewMessage, Store } from '../../src/storage/ports/index.js';

/** Options a backend passes to the shared suite. */
export interface ContractOptions {
  /**
   * Titles of tests this backend is known to fail. They run as `it.fails`, so the run stays
   * green while the gap is open and turns red the day it is fixed, prompting removal here.
   */
  knownFailures?: string[];
}

/** What each part of the suite shares: the store under test, fresh for every test. */
export interface ContractContext {
  store: Store;
  test: (title: string, body: () => Promise<void>) => void;
}

export function contractContext(open: () => Promise<Store>, opts: ContractOptions): ContractContext {
  let closed = false;
  const ctx: ContractContext = {
    store: undefined as unknown as Store,
    test: (title, body) => (opts.knownFailures?.includes(title) ? it.fails : it)(title, body),
  };
  beforeEach(async () => {
    const store = await open();
    closed = false;
    // A test may close the store itself; the harness must not close it a second time.
    ctx.store = { ...store, close: () => (closed ? Promise.resolve() : ((closed = true), store.close())) };
  });
  afterEach(async () => {
    await ctx.store.close();
  });
  return ctx;
}

export const minutesAgo = (n: number, from = Date.now()): string => new Date(from - n * 60_000).toISOString();

let seq = 0;
/** Ids sort in creation order and never repeat across tests or runs. */
export const newId = (): string => `${Date.now().toString(36)}${(seq++).toString(36).padStart(4, '0')}${randomBytes(3).toString('hex')}`;

export function message(over: Partial<NewMessage> = {}): NewMessage {
  const id = over.id ?? newId();
  return {
    id,
    account: 'alice@example.com',
    mailFrom: 'alice@example.com',
    messageId: `<${id}@example.com>`,
    rcpts: ['bob@example.net', 'carol@example.org'],
    raw: Buffer.from(`Subject: ${id}\r\n\r\nhello\r\n`),
    state: 'queued',
    createdAt: minutesAgo(10),
    expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    ...over,
  };
}

export function account(address: string, over: Partial<NewAccount> = {}): NewAccount {
  return { address, name: address.split('@')[0], passwordHash: `$argon2id$hash-of-${address}`, ...over };
}

/** Every byte value, so a backend that treats bodies as text shows up at once. */
export const allBytes = (): Buffer => Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
