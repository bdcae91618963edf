import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDmarcReport, summariseSources } from '../../../src/domain/dmarc/index.js';

const fixture = (name: string): Buffer => readFileSync(join(import.meta.dirname, '../../fixtures/dmarc', name));

describe('parseDmarcReport on reports in the styles of real reporters', () => {
  it('reads a Google report with several records and keeps a long numeric report id as text', async () => {
    const r = await parseDmarcReport(fixture('google.xml'));
    expect(r).toMatchObject({
      orgName: 'google.com',
      reportId: '17052489357553443861',
      begin: '2026-01-05T00:00:00Z',
      end: '2026-01-05T23:59:59Z',
      policy: { domain: 'example.co.jp', p: 'none', sp: 'none', pct: 100 },
    });
    expect(r.records).toHaveLength(2);
    expect(r.records[0].authResults.dkim.map((d) => d.selector)).toEqual(['mw20260105e', 'mw20260105r']);
    expect(r.records[1]).toMatchObject({ sourceIp: '198.51.100.7', count: 1240, dkim: 'fail', spf: 'fail', disposition: 'none' });
  });

  it('reads a Microsoft report with xsi namespaces, envelope identifiers and an IPv6 source', async () => {
    const r = await parseDmarcReport(fixture('microsoft.xml'));
    expect(r.records[0]).toEqual({
      sourceIp: '2001:db8:25::1',
      count: 3,
      disposition: 'none',
      dkim: 'pass',
      spf: 'fail',
      headerFrom: 'example.co.jp',
      envelopeFrom: 'bounces.example.co.jp',
      reasons: [],
      authResults: {
        dkim: [{ domain: 'example.co.jp', selector: 'mw20260105r', result: 'pass' }],
        spf: [{ domain: 'bounces.example.co.jp', scope: 'mfrom', result: 'softfail' }],
      },
    });
  });

  it('reads a Yahoo report with a single record and no sp, which then follows p', async () => {
    const r = await parseDmarcReport(fixture('yahoo.xml'));
    expect(r.policy).toMatchObject({ p: 'reject', sp: 'reject', adkim: 's' });
    expect(r.records).toHaveLength(1);
    expect(r.records[0].disposition).toBe('reject');
  });

  it('reads a Mail.ru report with a byte order mark, tabs, padded dates and an empty override reason', async () => {
    const r = await parseDmarcReport(fixture('mailru.xml'));
    expect(r.begin).toBe('2026-01-05T00:00:00Z');
    expect(r.policy.domain).toBe('example.co.jp');
    expect(r.records[0].reasons).toEqual([{ type: 'other', comment: null }]);
    expect(r.records[1].reasons).toEqual([{ type: 'forwarded', comment: 'list & forwarder' }]);
  });

  it('reads a DMARCbis report with a default namespace, no pct and SPF "hardfail"', async () => {
    const r = await parseDmarcReport(fixture('small-provider-dmarcbis.xml'));
    expect(r.policy).toMatchObject({ p: 'quarantine', pct: 100 });
    expect(r.records[0].authResults.spf).toEqual([{ domain: 'example.co.jp', scope: null, result: 'fail' }]);
  });

  it('reads reports whose elements carry a namespace prefix', async () => {
    const xml = fixture('yahoo.xml').toString().replace(/<(\/?)(\w+)>/g, '<$1d:$2>').replace('<d:feedback>', '<d:feedback xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0">');
    expect((await parseDmarcReport(Buffer.from(xml))).orgName).toBe('Yahoo');
  });

  it('gives the same report from XML, gzip, ZIP and email-wrapped forms', async () => {
    const plain = await parseDmarcReport(fixture('google.xml'));
    expect(await parseDmarcReport(fixture('google.xml.gz'))).toEqual(plain);
    expect(await parseDmarcReport(fixture('microsoft.zip'))).toEqual(await parseDmarcReport(fixture('microsoft.xml')));
    expect(await parseDmarcReport(fixture('yahoo-email-gz.eml'))).toEqual(await parseDmarcReport(fixture('yahoo.xml')));
    expect(await parseDmarcReport(fixture('small-provider-email-xml.eml'))).toEqual(await parseDmarcReport(fixture('small-provider-dmarcbis.xml')));
  });
});

describe('parseDmarcReport on hostile and broken input', () => {
  const cases: Array<[string, string]> = [
    ['hostile-xxe.xml', 'DMARC_DOCTYPE'],
    ['hostile-billion-laughs.xml', 'DMARC_DOCTYPE'],
    ['hostile-truncated.xml', 'DMARC_BROKEN_XML'],
    ['hostile-gzip-bomb.xml.gz', 'DMARC_TOO_LARGE'],
    ['hostile-zip-bomb-declared.zip', 'DMARC_TOO_LARGE'],
    ['hostile-zip-bomb-lying.zip', 'DMARC_BAD_ZIP'],
    ['yahoo-unused.xml.gz', 'DMARC_NOT_XML'],
  ];
  it.each(cases)('refuses %s with %s', async (name, code) => {
    await expect(parseDmarcReport(fixture(name))).rejects.toMatchObject({ code });
  });

  it('stops a gzip bomb that lies about its size in the trailer at the output cap', async () => {
    const bomb = Buffer.from(fixture('hostile-gzip-bomb.xml.gz'));
    bomb.writeUInt32LE(1000, bomb.length - 4);
    const before = process.memoryUsage().rss;
    await expect(parseDmarcReport(bomb, { maxXmlBytes: 8 * 1024 * 1024 })).rejects.toMatchObject({ code: 'DMARC_TOO_LARGE' });
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
  });

  it('refuses input past the input cap before reading it', async () => {
    await expect(parseDmarcReport(fixture('google.xml'), { maxInputBytes: 100 })).rejects.toMatchObject({ code: 'DMARC_TOO_LARGE' });
  });

  it('refuses a DOCTYPE even inside a gzip file', async () => {
    await expect(parseDmarcReport(gzipSync(fixture('hostile-xxe.xml')))).rejects.toMatchObject({ code: 'DMARC_DOCTYPE' });
  });

  it('names the missing field when a required one is absent', async () => {
    const xml = fixture('yahoo.xml').toString().replace(/<report_id>.*<\/report_id>/, '');
    await expect(parseDmarcReport(Buffer.from(xml))).rejects.toThrow(/report_id/);
  });

  it('refuses XML that is not a DMARC report, and an email without a report', async () => {
    await expect(parseDmarcReport(Buffer.from('<html><body/></html>'))).rejects.toMatchObject({ code: 'DMARC_NOT_REPORT' });
    const mail = 'From: a@example.net\r\nTo: b@example.co.jp\r\nSubject: hello\r\n\r\njust text\r\n';
    await expect(parseDmarcReport(Buffer.from(mail))).rejects.toMatchObject({ code: 'DMARC_NO_REPORT' });
  });
});

describe('summariseSources', () => {
  it('reports an unknown source that fails DMARC on every message as critical, with the count', async () => {
    const reports = [await parseDmarcReport(fixture('google.xml')), await parseDmarcReport(fixture('mailru.xml'))];
    const { sources, findings } = summariseSources(reports, { knownSources: ['192.0.2.25'] });
    expect(sources[0]).toMatchObject({ sourceIp: '198.51.100.7', messages: 1240, dmarcFail: 1240, dmarcPass: 0 });
    expect(sources.find((s) => s.sourceIp === '192.0.2.25')).toMatchObject({ messages: 316, reporters: ['google.com', 'Mail.Ru'] });
    expect(findings[0].code).toBe('dmarc-all-fail');
    expect(findings[0].message.en).toContain('198.51.100.7 sent 1,240 messages as example.co.jp, all failing DMARC');
    expect(findings[0].message.ja).toContain('1,240 通');
    expect(findings.find((f) => f.sourceIp === '192.0.2.25')?.code).toBe('dmarc-pass');
  });

  it('calls a failing source that is one of the gateway addresses a misconfiguration', async () => {
    const r = await parseDmarcReport(fixture('yahoo.xml'));
    const { findings } = summariseSources([r], { knownSources: ['203.0.113.66'] });
    expect(findings[0]).toMatchObject({ code: 'known-source-fails', severity: 'critical' });
  });
});
