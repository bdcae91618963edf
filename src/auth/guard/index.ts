/**
 * The SMTP AUTH brute-force guard: consulted before credentials are verified, told the outcome
 * after. See docs/password-policy.md for the rules and their defaults.
 *
 *   const decision = guard.check({ ip, account, attemptKey: key });   // before any hashing
 *   if (decision.action === 'deny') reply(decision.error);
 *   if (decision.action === 'delay') await sleep(decision.delayMs);
 *   const ok = await verify(...);
 *   const { events, stale } = guard.record({ ip, account, ok, attemptKey: key });
 */
export { AuthGuard, normalizeAccount } from './guard.js';
export { attemptKey } from './attempt-key.js';
export { guardConfigSchema, parseGuardConfig, type GuardConfig, type GuardConfigInput } from './config.js';
export { sourceKey, canonicalIp, parseCidr, AllowList } from './source.js';
export type {
  AttemptInput,
  DecisionCode,
  DecisionError,
  GuardDecision,
  GuardEvent,
  GuardEventCode,
  RecordInput,
  RecordResult,
} from './types.js';
export { SourceGate } from './gate.js';
