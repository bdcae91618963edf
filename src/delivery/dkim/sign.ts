/**
 * DKIM signing at delivery time (RFC 6376, RFC 8463). With both an RSA and an Ed25519 key the
 * message carries two signatures: receivers that understand Ed25519 may use it, and every other
 * receiver still finds the RSA one.
 */
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import { DkimError, normaliseDomain, type DkimKey, type DkimKeyType } from './keys.js';

export type SigningKey = Pick<DkimKey, 'selector' | 'type' | 'privateKey'>;

export interface SignOptions {
  /** The d= domain; it should be the From: header's domain (or its organisational domain) for DMARC alignment. */
  domain: string;
  /** Usually `signingKeys(dataDir, domain)`; the first key of each type is used. */
  keys: SigningKey[];
  /** Signature time (t=); defaults to now. */
  signTime?: Date;
}

const ALGORITHM: Record<DkimKeyType, string> = { rsa: 'rsa-sha256', ed25519: 'ed25519-sha256' };

/** Ed25519 first is the order RFC 8463 §5 examples use; the order has no effect on verification. */
const ORDER: DkimKeyType[] = ['ed25519', 'rsa'];

/**
 * Returns the message with the DKIM-Signature header(s) prepended. Throws DkimError
 * `DKIM_NO_KEY` without a key and `DKIM_SIGN_FAILED` when signing fails: the caller decides
 * whether to send unsigned (which DMARC p=reject would then drop) or to requeue.
 */
export async function signMessage(raw: Buffer, opts: SignOptions): Promise<Buffer> {
  const domain = normaliseDomain(opts.domain);
  const chosen = ORDER.map((t) => opts.keys.find((k) => k.type === t)).filter((k): k is SigningKey => !!k);
  if (chosen.length === 0) throw new DkimError('DKIM_NO_KEY', `no DKIM key to sign for ${domain}`);
  const result = await dkimSign(raw, {
    signingDomain: domain,
    selector: chosen[0].selector,
    privateKey: chosen[0].privateKey,
    canonicalization: 'relaxed/relaxed',
    signTime: opts.signTime ?? new Date(),
    signatureData: chosen.map((k) => ({
      signingDomain: domain,
      selector: k.selector,
      privateKey: k.privateKey,
      algorithm: ALGORITHM[k.type],
      canonicalization: 'relaxed/relaxed',
    })),
  });
  if (result.errors?.length) {
    throw new DkimError('DKIM_SIGN_FAILED', result.errors.map((e) => e.message).join('; '));
  }
  const headers = result.signatures.trim();
  if (!headers) throw new DkimError('DKIM_SIGN_FAILED', `no signature produced for ${domain}`);
  return Buffer.concat([Buffer.from(`${headers}\r\n`), raw]);
}
