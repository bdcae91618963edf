import { makeReturnPath, bounceDomainFor } from '../bounces/return-path.js';
import type { LoadedConfig } from '../cli/context.js';
import { resolvePath } from '../config/load.js';
import { noteSigned, signingKeys, signMessage } from '../delivery/dkim/index.js';
import type { ReturnPathFn, SignFn } from '../delivery/index.js';
import type { Logger } from '../observability/logger.js';

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * Signed per-recipient return paths (`bounces+TOKEN@bounces.<domain>`): each bounce names the
 * message and recipient it is about, and a forged one is recognised. DSNs keep the null sender.
 */
export function returnPaths(config: LoadedConfig): ReturnPathFn | undefined {
  const b = config.bounces;
  if (!b.enabled || !b.secret) return undefined;
  return (message, rcptIndex) => {
    if (!message.mailFrom || message.isDsn) return message.mailFrom;
    const bounceDomain = bounceDomainFor(domainOf(message.mailFrom), { bounceDomain: b.domain ?? undefined, perDomain: b.perDomain });
    return makeReturnPath({ secret: b.secret, bounceDomain, queueId: message.id, rcptIndex });
  };
}

/**
 * DKIM signing with the keys of the sender's domain, after every header change (it runs last,
 * right before sending). Keys are re-read at most once a minute. A domain without keys is sent
 * unsigned; a signing failure defers the message (the worker's failure policy) rather than
 * sending it unsigned once keys exist.
 */
export function dkimSigner(config: LoadedConfig, logger: Logger): SignFn {
  const dataDir = resolvePath(config, config.dataDir);
  const cache = new Map<string, { at: number; keys: Awaited<ReturnType<typeof signingKeys>> }>();
  return async (raw, message) => {
    const domain = domainOf(message.mailFrom || '');
    if (!domain) return raw;
    let entry = cache.get(domain);
    if (!entry || Date.now() - entry.at > 60_000) {
      entry = { at: Date.now(), keys: await signingKeys(dataDir, domain) };
      cache.set(domain, entry);
    }
    if (entry.keys.length === 0) return raw;
    const signed = await signMessage(raw, { domain, keys: entry.keys });
    void noteSigned(dataDir, entry.keys).catch((err: unknown) => logger.warn({ err, domain }, 'DKIM key use not recorded'));
    return signed;
  };
}
