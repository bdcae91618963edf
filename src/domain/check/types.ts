/**
 * Domain posture findings: one per thing checked, each with a severity and a concrete fix in
 * Japanese and English. The resolver is injected so that checks run against any DNS server
 * (a local test zone, or `--dns-server`), mirroring node:dns/promises.
 */
import type { Text } from '../../core/i18n.js';

export type CheckName = 'spf' | 'dkim' | 'dmarc' | 'mx' | 'mta-sts' | 'tls-rpt';
export type Severity = 'ok' | 'info' | 'warning' | 'critical';

export interface Finding {
  check: CheckName;
  severity: Severity;
  /** Stable, e.g. `spf-too-many-lookups`; tests and the console key on it. */
  code: string;
  message: Text;
  /** What to change; empty strings when nothing needs doing. */
  fix: Text;
}

export interface Resolver {
  resolveTxt(name: string): Promise<string[][]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface DkimSelector {
  selector: string;
  /** The p= value of the key in use (see dnsRecordFor); without it only presence is checked. */
  publicKey?: string;
}

export interface CheckOptions {
  resolver: Resolver;
  /** The gateway's sending addresses, which SPF must authorise. */
  sendingIps?: string[];
  dkimSelectors?: Array<string | DkimSelector>;
}

const NOTHING: Text = { en: '', ja: '' };

function fill(s: string, params: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

/** A finding with its placeholders filled in both languages. */
export function finding(
  check: CheckName,
  severity: Severity,
  code: string,
  message: Text,
  fix: Text = NOTHING,
  params: Record<string, string | number> = {},
): Finding {
  return {
    check,
    severity,
    code,
    message: { en: fill(message.en, params), ja: fill(message.ja, params) },
    fix: { en: fill(fix.en, params), ja: fill(fix.ja, params) },
  };
}

/** Lookup outcome: records, "no such name / no such record" (empty), or a resolver failure. */
export type Lookup<T> = { ok: true; value: T } | { ok: false; error: string };

const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NODATA']);

/** An absent name is an answer (empty); SERVFAIL or a timeout is not, and is reported as such. */
export async function lookup<T>(fn: () => Promise<T[]>): Promise<Lookup<T[]>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (ABSENT.has(code)) return { ok: true, value: [] };
    return { ok: false, error: code || (err as Error).message };
  }
}

/** TXT records that start with a version tag (`v=spf1`, `v=DMARC1`…), each joined from its strings. */
export async function txtWith(resolver: Resolver, name: string, tag: RegExp): Promise<Lookup<string[]>> {
  const res = await lookup(() => resolver.resolveTxt(name));
  if (!res.ok) return res;
  return { ok: true, value: res.value.map((parts) => parts.join('')).filter((t) => tag.test(t.trim())) };
}

export const LOOKUP_FAILED: Text = {
  en: 'The DNS lookup of {name} failed ({error}); this check could not be completed.',
  ja: '{name} の DNS 問い合わせに失敗しました ({error})。この項目は確認できませんでした。',
};
export const RETRY: Text = {
  en: 'Check that the domain\'s DNS servers answer, then run the check again.',
  ja: 'ドメインの DNS サーバーが応答しているか確認し、もう一度実行してください。',
};

/** `k=v; k=v` tag lists (DMARC, DKIM, MTA-STS, TLS-RPT records). */
export function tags(record: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of record.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return out;
}
