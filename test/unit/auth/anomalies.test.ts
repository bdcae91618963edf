import { describe, expect, it } from 'vitest';
import { LoginAnomalies } from '../../../src/auth/anomalies.js';
import type { AuthEvent } from '../../../src/events/replay.js';

const A = 'tanaka@example.co.jp';
const T0 = Date.parse('2030-01-07T00:00:00Z');
const login = (hoursAfter: number, ip: string, country?: string, asn?: number): AuthEvent => ({
  ts: new Date(T0 + hoursAfter * 3_600_000).toISOString(), type: 'auth', account: A, ip, ok: true, country, asn,
});

/** Three weeks of office logins from Tokyo, weekdays at 09:00 JST (00:00 UTC). */
function withHistory(): LoginAnomalies {
  const a = new LoginAnomalies();
  for (let d = 0; d < 21; d++) expect(a.observe(login(d * 24, '210.130.1.1', 'JP', 2497))).toEqual([]);
  return a;
}

describe('login anomalies', () => {
  it('reports nothing for the usual address, network, country and hour', () => {
    expect(withHistory().observe(login(21 * 24, '210.130.1.1', 'JP', 2497))).toEqual([]);
  });

  it('reports a first login from Vietnam with its network, in English and Japanese', () => {
    const found = withHistory().observe({ ...login(21 * 24 + 12, '14.160.1.1', 'VN', 45899), asName: 'VNPT Corp' } as AuthEvent);
    expect(found.map((f) => f.kind).sort()).toEqual(['new-country', 'new-ip', 'new-network', 'unusual-hour']);
    const country = found.find((f) => f.kind === 'new-country')!;
    expect(country.en).toBe('first login from Vietnam, network AS45899 (VNPT Corp), address 14.160.1.1');
    expect(country.ja).toContain('ベトナム');
  });

  it('reports impossible travel: Japan, then Vietnam 40 minutes later', () => {
    const a = withHistory();
    a.observe(login(21 * 24, '210.130.1.1', 'JP', 2497));
    const found = a.observe(login(21 * 24 + 40 / 60, '14.160.1.1', 'VN', 45899));
    const travel = found.find((f) => f.kind === 'impossible-travel');
    expect(travel?.en).toBe('login from Vietnam 40 minutes after a login from Japan: no one travels that fast');
    expect(travel?.ja).toContain('日本');
  });

  it('does not call a trip of a day impossible, nor a new address in the same network a new network', () => {
    const a = withHistory();
    a.observe(login(21 * 24, '210.130.1.1', 'JP', 2497));
    const found = a.observe(login(22 * 24, '210.130.9.9', 'JP', 2497)).map((f) => f.kind);
    expect(found).toEqual(['new-ip']);
    expect(a.observe(login(23 * 24, '14.160.1.1', 'VN', 45899)).map((f) => f.kind)).not.toContain('impossible-travel');
  });

  it('reports nothing new for an account with too little history, and ignores failures', () => {
    const a = new LoginAnomalies();
    expect(a.observe(login(0, '210.130.1.1', 'JP', 2497))).toEqual([]);
    expect(a.observe(login(1, '14.160.1.1', 'VN', 45899)).map((f) => f.kind)).toEqual(['impossible-travel']);
    expect(a.observe({ ...login(2, '8.8.8.8', 'US', 15169), ok: false })).toEqual([]);
  });

  it('keeps a bounded number of accounts', () => {
    const a = new LoginAnomalies({ maxAccounts: 10 });
    for (let i = 0; i < 100; i++) a.observe({ ...login(0, '210.130.1.1', 'JP'), account: `u${i}@example.co.jp` });
    expect((a as unknown as { accounts: Map<string, unknown> }).accounts.size).toBe(10);
  });
});
