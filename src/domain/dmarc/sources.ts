/**
 * Who sends as the domain: DMARC aggregate reports folded per source IP. This is how a domain
 * owner sees forgery (an unknown IP sending as the domain, failing DMARC) and misconfiguration
 * (the domain's own gateway or a vendor failing alignment) — the `dmarc sources` command shows it.
 */
import type { Text } from '../../core/i18n.js';
import type { DmarcReport } from './types.js';

export interface SourceSummary {
  sourceIp: string;
  messages: number;
  /** Messages per RFC 5322.From domain. */
  headerFrom: Record<string, number>;
  dmarcPass: number;
  dmarcFail: number;
  /** policy_evaluated (aligned) results: messages per result. */
  spf: Record<string, number>;
  dkim: Record<string, number>;
  /** Messages per receiver action: none, quarantine, reject. */
  disposition: Record<string, number>;
  reporters: string[];
}

export interface SourceFinding {
  sourceIp: string;
  severity: 'info' | 'warning' | 'critical';
  code: 'dmarc-all-fail' | 'dmarc-some-fail' | 'known-source-fails' | 'dmarc-pass';
  message: Text;
}

export interface SourcesSummary {
  sources: SourceSummary[];
  findings: SourceFinding[];
}

export interface SummariseOptions {
  /** The gateway's own sending addresses (and any vendor the domain authorises): failures there are misconfiguration, not forgery. */
  knownSources?: string[];
}

function bump(map: Record<string, number>, key: string | null, n: number): void {
  const k = key ?? 'none';
  map[k] = (map[k] ?? 0) + n;
}

function empty(sourceIp: string): SourceSummary {
  return { sourceIp, messages: 0, headerFrom: {}, dmarcPass: 0, dmarcFail: 0, spf: {}, dkim: {}, disposition: {}, reporters: [] };
}

/** Sources with the most messages first. */
function fold(reports: DmarcReport[]): SourceSummary[] {
  const byIp = new Map<string, SourceSummary>();
  for (const report of reports) {
    for (const r of report.records) {
      const s = byIp.get(r.sourceIp) ?? empty(r.sourceIp);
      byIp.set(r.sourceIp, s);
      s.messages += r.count;
      bump(s.headerFrom, r.headerFrom ?? report.policy.domain, r.count);
      // RFC 7489 §4.2: DMARC passes when either aligned identifier passes.
      if (r.dkim === 'pass' || r.spf === 'pass') s.dmarcPass += r.count;
      else s.dmarcFail += r.count;
      bump(s.spf, r.spf, r.count);
      bump(s.dkim, r.dkim, r.count);
      bump(s.disposition, r.disposition, r.count);
      if (!s.reporters.includes(report.orgName)) s.reporters.push(report.orgName);
    }
  }
  return [...byIp.values()].sort((a, b) => b.messages - a.messages || a.sourceIp.localeCompare(b.sourceIp));
}

const fmt = (n: number): string => n.toLocaleString('en-US');

const TEXTS: Record<SourceFinding['code'], Text> = {
  'dmarc-all-fail': {
    en: '{ip} sent {n} messages as {domains}, all failing DMARC. If this is not a service you use, it is forging your domain: move the DMARC policy towards p=reject.',
    ja: '{ip} が {domains} を名乗って {n} 通を送信し、すべて DMARC に失敗しています。利用しているサービスでなければドメインのなりすましです。DMARC ポリシーを p=reject に向けて強化してください。',
  },
  'dmarc-some-fail': {
    en: '{ip} sent {n} messages as {domains}; {fail} of them failed DMARC. Check whether mail from this source is forwarded or only partly signed.',
    ja: '{ip} が {domains} を名乗って {n} 通を送信し、うち {fail} 通が DMARC に失敗しています。転送されたメールか、一部だけ署名されていないかを確認してください。',
  },
  'known-source-fails': {
    en: '{ip} is one of your own sending addresses but {fail} of its {n} messages as {domains} failed DMARC: check its DKIM signing and SPF record.',
    ja: '{ip} は自社の送信元ですが、{domains} としての {n} 通のうち {fail} 通が DMARC に失敗しています。DKIM 署名と SPF レコードを確認してください。',
  },
  'dmarc-pass': {
    en: '{ip} sent {n} messages as {domains}, all passing DMARC.',
    ja: '{ip} が {domains} として {n} 通を送信し、すべて DMARC に合格しています。',
  },
};

function findingFor(s: SourceSummary, known: Set<string>): SourceFinding {
  let code: SourceFinding['code'];
  let severity: SourceFinding['severity'];
  if (s.dmarcFail === 0) [code, severity] = ['dmarc-pass', 'info'];
  else if (known.has(s.sourceIp)) [code, severity] = ['known-source-fails', 'critical'];
  else if (s.dmarcPass === 0) [code, severity] = ['dmarc-all-fail', 'critical'];
  else [code, severity] = ['dmarc-some-fail', 'warning'];
  const params = { ip: s.sourceIp, n: fmt(s.messages), fail: fmt(s.dmarcFail), domains: Object.keys(s.headerFrom).join(', ') };
  const fill = (t: string): string => t.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? params[k as keyof typeof params] : m));
  return { sourceIp: s.sourceIp, severity, code, message: { en: fill(TEXTS[code].en), ja: fill(TEXTS[code].ja) } };
}

const RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Per-source totals and one finding per source, the most serious first. */
export function summariseSources(reports: DmarcReport[], opts: SummariseOptions = {}): SourcesSummary {
  const sources = fold(reports);
  const known = new Set(opts.knownSources ?? []);
  const findings = sources.map((s) => findingFor(s, known)).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  return { sources, findings };
}
