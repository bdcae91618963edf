import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed per-message return paths (VERP with an HMAC). Every outbound message gets the envelope
 * sender `bounces+QUEUEID=RCPT=DAY=MAC@<bounce domain>`, so a bounce names exactly which message
 * and recipient failed even when the notice itself is unreadable, and a forged bounce (backscatter,
 * or an attacker poisoning the bounce-rate signal) fails the MAC.
 *
 * - QUEUEID: the queue id, lower case [a-z0-9-] (ULID, UUID and hex ids fit)
 * - RCPT:    recipient index in the envelope, base 36
 * - DAY:     days since 1970-01-01 UTC, base 36 (expiry without state)
 * - MAC:     HMAC-SHA-256 over "QUEUEID=RCPT=DAY@DOMAIN", first 50 bits, base32 lower case (10 chars)
 *
 * Everything is lower case because remote MTAs are free to fold the case of what they send back;
 * "=" separates fields as in SRS and is valid in a dot-atom. The local part stays within 64 octets.
 */
export const RETURN_PATH_PREFIX = 'bounces';
const MAC_CHARS = 10;
const DAY_MS = 86_400_000;
const MAX_LOCAL = 64;
const QUEUE_ID = /^[a-z0-9][a-z0-9-]*$/;

export interface MakeReturnPathInput {
  secret: string | Buffer;
  bounceDomain: string;
  queueId: string;
  rcptIndex: number;
  now?: Date;
}

export function makeReturnPath(input: MakeReturnPathInput): string {
  const queueId = input.queueId.toLowerCase();
  if (!QUEUE_ID.test(queueId)) throw new RangeError(`queue id not usable in a return path: ${input.queueId}`);
  if (!Number.isSafeInteger(input.rcptIndex) || input.rcptIndex < 0) throw new RangeError('rcptIndex must be >= 0');
  const domain = input.bounceDomain.toLowerCase();
  const day = Math.floor((input.now ?? new Date()).getTime() / DAY_MS);
  const body = `${queueId}=${input.rcptIndex.toString(36)}=${day.toString(36)}`;
  const local = `${RETURN_PATH_PREFIX}+${body}=${mac(input.secret, body, domain)}`;
  if (local.length > MAX_LOCAL) throw new RangeError(`return path local part over ${MAX_LOCAL} octets: ${local}`);
  return `${local}@${domain}`;
}

export interface VerifyOptions {
  /** Current secret first, then the previous ones still accepted while old mail can bounce. */
  secrets: Array<string | Buffer>;
  bounceDomain: string;
  maxAgeDays: number;
  now?: Date;
}

export type VerifyResult =
  | { ok: true; queueId: string; rcptIndex: number; issuedAt: Date }
  | { ok: false; reason: 'forged' | 'expired' | 'malformed' | 'not-bounce-address' };

export function verifyReturnPath(address: string, opts: VerifyOptions): VerifyResult {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).replace(/^<|^"|"$/g, '').toLowerCase();
  const domain = address.slice(at + 1).replace(/>$/, '').toLowerCase();
  if (at < 0 || domain !== opts.bounceDomain.toLowerCase() || !local.startsWith(`${RETURN_PATH_PREFIX}+`)) {
    return { ok: false, reason: 'not-bounce-address' };
  }
  const parts = local.slice(RETURN_PATH_PREFIX.length + 1).split('=');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [queueId, rcpt, dayText, given] = parts;
  if (!QUEUE_ID.test(queueId) || !/^[0-9a-z]{1,8}$/.test(rcpt) || !/^[0-9a-z]{1,6}$/.test(dayText) || !/^[a-z2-7]+$/.test(given)) {
    return { ok: false, reason: 'malformed' };
  }
  const body = `${queueId}=${rcpt}=${dayText}`;
  // every secret is tried, so the time taken does not tell which one (if any) matched
  const matched = opts.secrets.map((s) => sameText(mac(s, body, domain), given)).some(Boolean);
  if (!matched) return { ok: false, reason: 'forged' };
  const day = parseInt(dayText, 36);
  const today = Math.floor((opts.now ?? new Date()).getTime() / DAY_MS);
  if (today - day > opts.maxAgeDays || day - today > 1) return { ok: false, reason: 'expired' };
  return { ok: true, queueId, rcptIndex: parseInt(rcpt, 36), issuedAt: new Date(day * DAY_MS) };
}

/**
 * The domain of the envelope sender for mail from `domain`. A subdomain of the sender's own domain
 * keeps SPF aligned under relaxed DMARC alignment (same organisational domain), and lets its MX
 * point at the bounce listener without touching the domain's own inbound mail.
 */
export function bounceDomainFor(
  domain: string,
  config: { bounceDomain?: string; perDomain?: Record<string, string> } = {},
): string {
  const d = domain.toLowerCase();
  return (config.perDomain?.[d] ?? config.bounceDomain ?? `${RETURN_PATH_PREFIX}.${d}`).toLowerCase();
}

function mac(secret: string | Buffer, body: string, domain: string): string {
  const digest = createHmac('sha256', secret).update(`${body}@${domain}`).digest();
  return base32(digest).slice(0, MAC_CHARS);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1; // keep only the bits not yet written, so the value never overflows
  }
  return bits > 0 ? out + ALPHABET[(value << (5 - bits)) & 31] : out;
}
