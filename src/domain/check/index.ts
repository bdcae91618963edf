/**
 * `checkDomain`: the sending domain's protection against forgery (SPF, DKIM, DMARC) and its
 * inbound transport (MX, MTA-STS, TLS-RPT), as findings with a severity and a fix each.
 * Reads DNS only, through the injected resolver; never fails as a whole — a failed lookup
 * becomes a warning finding for that check.
 */
import { checkSpf } from './spf.js';
import { checkDkim } from './dkim.js';
import { checkDmarc } from './dmarc.js';
import { checkMtaSts, checkMx, checkTlsRpt } from './transport.js';
import type { CheckOptions, Finding } from './types.js';

export * from './types.js';

export async function checkDomain(domain: string, opts: CheckOptions): Promise<Finding[]> {
  const d = domain.trim().toLowerCase().replace(/\.$/, '');
  const [spf, dkim, dmarc, mx, tlsRpt] = await Promise.all([
    checkSpf(d, opts),
    checkDkim(d, opts),
    checkDmarc(d, opts),
    checkMx(d, opts),
    checkTlsRpt(d, opts),
  ]);
  const mtaSts = await checkMtaSts(d, mx.hosts, opts);
  return [...spf, ...dkim, ...dmarc, ...mx.findings, ...mtaSts, ...tlsRpt];
}
