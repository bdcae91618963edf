/**
 * DKIM key material: generation, the public half, and the DNS TXT record that publishes it.
 * RSA-2048 for every receiver (RFC 6376 §3.3.3; 1024 is now rejected by several large receivers)
 * and Ed25519 (RFC 8463) alongside it, since receivers that do not know Ed25519 ignore that signature.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

export type DkimKeyType = 'rsa' | 'ed25519';
export type DkimKeyState = 'active' | 'retiring' | 'retired';

/** One stored key: `<dataDir>/dkim/<domain>/<selector>.json`. Timestamps are ISO 8601. */
export interface DkimKey {
  domain: string;
  selector: string;
  type: DkimKeyType;
  /** PKCS#8 PEM. */
  privateKey: string;
  created: string;
  state: DkimKeyState;
  /** When the key stopped being used for new signatures (rotation or `dkim retire`). */
  retiringSince?: string;
  /** Last signature made with it, recorded at most once a minute (see rotation.ts). */
  lastUsed?: string;
  /** When it was withdrawn: its record may then be removed from DNS. */
  retiredAt?: string;
}

export interface DnsTxtRecord {
  /** Fully qualified owner name, `<selector>._domainkey.<domain>`. */
  name: string;
  value: string;
}

/** Host names as they appear in DNS: labels of letters, digits and hyphens. Lower-case only, so a
 *  domain maps to exactly one directory, and no `..` or `/` can reach the file system. */
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** RFC 6376 §3.1: a selector is a sub-domain (one or more labels); underscores are common in the wild. */
const SELECTOR_RE = /^(?=.{1,63}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

export function normaliseDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  if (!DOMAIN_RE.test(d)) throw new DkimError('DKIM_BAD_DOMAIN', `invalid domain name: ${JSON.stringify(domain)}`);
  return d;
}

export function normaliseSelector(selector: string): string {
  const s = selector.trim().toLowerCase();
  if (!SELECTOR_RE.test(s)) throw new DkimError('DKIM_BAD_SELECTOR', `invalid selector: ${JSON.stringify(selector)}`);
  return s;
}

/** Errors carry a stable code so that callers (CLI, delivery) decide by code, not by message. */
export class DkimError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DkimError';
  }
}

/** A new private key as PKCS#8 PEM. */
export function generatePrivateKey(type: DkimKeyType): string {
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  if (type === 'rsa') {
    return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001, privateKeyEncoding, publicKeyEncoding }).privateKey;
  }
  return generateKeyPairSync('ed25519', { privateKeyEncoding, publicKeyEncoding }).privateKey;
}

/**
 * The `p=` value: for RSA the base64 SubjectPublicKeyInfo (RFC 6376 §3.6.1); for Ed25519 the bare
 * 32-byte public key (RFC 8463 §4.2), which is the tail of its SubjectPublicKeyInfo.
 */
export function publicKeyValue(privateKeyPem: string): string {
  const pub = createPublicKey(createPrivateKey(privateKeyPem));
  const der = pub.export({ type: 'spki', format: 'der' });
  if (pub.asymmetricKeyType === 'ed25519') return der.subarray(der.length - 32).toString('base64');
  return der.toString('base64');
}

export function keyTypeOf(privateKeyPem: string): DkimKeyType {
  const t = createPrivateKey(privateKeyPem).asymmetricKeyType;
  if (t === 'rsa' || t === 'ed25519') return t;
  throw new DkimError('DKIM_BAD_KEY', `unsupported key type: ${t}`);
}

/** The TXT record to publish for a key. */
export function dnsRecordFor(key: Pick<DkimKey, 'domain' | 'selector' | 'type' | 'privateKey'>): DnsTxtRecord {
  return {
    name: `${key.selector}._domainkey.${key.domain}`,
    value: `v=DKIM1; k=${key.type}; p=${publicKeyValue(key.privateKey)}`,
  };
}

/**
 * The record split into quoted 255-octet strings, the form a zone file (and most DNS consoles)
 * needs for a 2048-bit key, which is longer than one TXT character-string.
 */
export function zoneFileValue(record: DnsTxtRecord): string {
  const parts: string[] = [];
  for (let i = 0; i < record.value.length; i += 255) parts.push(`"${record.value.slice(i, i + 255)}"`);
  return parts.join(' ');
}
