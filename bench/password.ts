/**
 * Measures the password-policy and guard costs that matter for sizing:
 * loading the common/breached list, one list look-up (all variants of a candidate), a full
 * policy check, one argon2id hash, one app-password verification, and one guard check.
 *
 *   node --import tsx bench/password.ts
 */
import { performance } from 'node:perf_hooks';
import { loadCommonList } from '../src/auth/password-policy/common-list.js';
import { lookupVariants } from '../src/auth/password-policy/variants.js';
import { checkPassword, warmUpStrength } from '../src/auth/password-policy/index.js';
import { hashPassword } from '../src/auth/password-hash.js';
import { generateAppPassword, hashAppPassword, newAppPasswordKey, verifyAppPassword } from '../src/auth/app-password.js';
import { AuthGuard, attemptKey } from '../src/auth/guard/index.js';

function perOp(label: string, n: number, fn: (i: number) => unknown): void {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  const us = ((performance.now() - start) * 1000) / n;
  process.stdout.write(`${label.padEnd(44)} ${us.toFixed(2).padStart(10)} µs/op  (${n} ops)\n`);
}

async function perOpAsync(label: string, n: number, fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const ms = (performance.now() - start) / n;
  process.stdout.write(`${label.padEnd(44)} ${ms.toFixed(2).padStart(10)} ms/op  (${n} ops)\n`);
}

const t0 = performance.now();
const list = await loadCommonList();
process.stdout.write(`common list: ${list.size} entries, loaded in ${(performance.now() - t0).toFixed(1)} ms\n`);
const heap = process.memoryUsage();
process.stdout.write(`process memory after load: rss ${(heap.rss / 2 ** 20).toFixed(1)} MiB, external ${(heap.external / 2 ** 20).toFixed(1)} MiB\n`);

const hits = ['password', 'iloveyou', 'qwertyuiop', 'trustno1!', 'sunshine'];
const misses = ['violet anchor drizzle compass', 'q9#Lm2!vR7@pZt4w', '今日は良い天気ですね'];
perOp('list look-up, hit (one folded form)', 200_000, (i) => list.has(hits[i % hits.length]));
perOp('list look-up, miss (one folded form)', 200_000, (i) => list.has(misses[i % misses.length]));
perOp('list check, all variants of a candidate', 100_000, (i) => lookupVariants(misses[i % misses.length]).some((v) => list.has(v)));

const t1 = performance.now();
warmUpStrength();
process.stdout.write(`zxcvbn dictionaries built in ${(performance.now() - t1).toFixed(1)} ms\n`);
await perOpAsync('checkPassword (no history)', 200, () => checkPassword('violet anchor drizzle compass', { account: 'tanaka@example.co.jp' }));
await perOpAsync('hashPassword (argon2id m=19MiB t=2 p=1)', 20, () => hashPassword('violet anchor drizzle compass'));

const key = newAppPasswordKey('bench');
const app = generateAppPassword();
const stored = hashAppPassword(app, key);
perOp('verifyAppPassword (HMAC-SHA-256)', 100_000, () => verifyAppPassword(stored, app, key));

const guard = new AuthGuard();
perOp('attemptKey (HMAC-SHA-256)', 100_000, (i) => attemptKey(`pw${i}`));
perOp('guard.check', 200_000, (i) => guard.check({ ip: `198.51.${(i >> 8) & 255}.${i & 255}`, account: `u${i % 500}`, now: i }));
perOp('guard.record (failure)', 200_000, (i) =>
  guard.record({ ip: `198.51.${(i >> 8) & 255}.${i & 255}`, account: `u${i % 500}`, ok: false, now: i }),
);
