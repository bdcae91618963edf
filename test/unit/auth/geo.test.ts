import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GeoDb, isNonPublic } from '../../../src/auth/geo.js';
import { RangeTable, ipv6Prefix64 } from '../../../src/auth/geo-ranges.js';

describe('offline IP location', () => {
  const geo = new GeoDb();

  it('names the country and network of well-known public addresses', () => {
    expect(geo.lookup('14.160.1.1')).toEqual({ country: 'VN', asn: 45899, asName: 'VNPT Corp' });
    expect(geo.lookup('8.8.8.8')).toMatchObject({ country: 'US', asn: 15169 });
    expect(geo.lookup('133.11.0.1')).toMatchObject({ country: 'JP', asn: 2501 });
    expect(geo.lookup('::ffff:8.8.8.8')).toMatchObject({ asn: 15169 });
    expect(geo.lookup('2001:4860:4860::8888')).toMatchObject({ country: 'US', asn: 15169 });
  });

  it('gives nothing for loopback, private, shared, link-local and documentation addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.5.4', '192.168.1.1', '100.64.0.1', '169.254.1.1', '192.0.2.1', '198.51.100.7', '203.0.113.9', '::1', 'fd00::1', 'fe80::1', '2001:db8::5', 'not an ip']) {
      expect(isNonPublic(ip)).toBe(true);
      expect(geo.lookup(ip)).toBeNull();
    }
  });

  it('answers a look-up in microseconds once loaded', () => {
    geo.load();
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) geo.lookup(`${(i % 200) + 1}.${i % 256}.${(i * 7) % 256}.1`);
    expect((performance.now() - started) / 10_000).toBeLessThan(0.05);
  });
});

describe('range tables', () => {
  const csv = '10,19,1,"Alpha, Inc."\n20,29,2,Beta\n40,49,3,"Say ""hi"""\n';
  const t = RangeTable.parse(csv, false, (v) => Number(v));

  it('finds the range holding a key, inclusive at both ends, and nothing in the gaps', () => {
    expect([9, 10, 19, 20, 29, 30, 45, 49, 50].map((k) => t.find(k))).toEqual([null, 1, 1, 2, 2, null, 3, 3, null]);
  });

  it('keys IPv6 by its /64', () => {
    expect(ipv6Prefix64('2001:db8:1:2::5')).toBe(0x20010db800010002n);
    expect(ipv6Prefix64('::1')).toBe(0n);
  });
});

describe('a file of ranges', () => {
  // Two small data packages of the ip-location-db format: 1.2.3.0/24 in VN (AS45899), 2400:4050::/32 in JP (AS4713).
  const dir = mkdtempSync(join(tmpdir(), 'mw-geo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const dirs = { asn: join(dir, 'asn'), country: join(dir, 'country') };
  const v4 = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const v6 = (hi: bigint) => [hi << 64n, ((hi + 1n) << 64n) - 1n].join(',');
  const make = (version: string): void => {
    for (const d of Object.values(dirs)) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'package.json'), JSON.stringify({ version }));
    }
    writeFileSync(join(dirs.asn, 'asn-ipv4-num.csv'), `${v4('1.2.3.0')},${v4('1.2.3.255')},45899,VNPT Corp\n`);
    writeFileSync(join(dirs.asn, 'asn-ipv6-num.csv'), `${v6(0x24004050n << 32n)},4713,NTT\n`);
    writeFileSync(join(dirs.country, 'asn-country-ipv4-num.csv'), `${v4('1.2.3.0')},${v4('1.2.3.255')},VN\n`);
    writeFileSync(join(dirs.country, 'asn-country-ipv6-num.csv'), `${v6(0x24004050n << 32n)},JP\n`);
  };
  const file = join(dir, 'geo-ranges.bin');

  it('gives what the CSV gives, without AS names', () => {
    make('1.0.0');
    new GeoDb(dirs).writeRanges(file);
    const fromFile = new GeoDb(dirs, file);
    expect(fromFile.lookup('1.2.3.4')).toEqual({ country: 'VN', asn: 45899, asName: null });
    expect(fromFile.lookup('2400:4050::1')).toEqual({ country: 'JP', asn: 4713, asName: null });
    expect(fromFile.lookup('1.2.4.1')).toBeNull();
  });

  it('is not used when it was made from other versions of the data, or is damaged', () => {
    make('1.0.0');
    new GeoDb(dirs).writeRanges(file);
    make('1.0.1');
    // From the CSV again: the AS name is there.
    expect(new GeoDb(dirs, file).lookup('1.2.3.4')).toEqual({ country: 'VN', asn: 45899, asName: 'VNPT Corp' });
    make('1.0.0');
    new GeoDb(dirs).writeRanges(file);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 8));
    expect(new GeoDb(dirs, file).lookup('1.2.3.4')).toEqual({ country: 'VN', asn: 45899, asName: 'VNPT Corp' });
    writeFileSync(file, 'not a file of ranges');
    expect(new GeoDb(dirs, file).lookup('1.2.3.4')?.asName).toBe('VNPT Corp');
  });
});
