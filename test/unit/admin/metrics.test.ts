import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../src/admin/metrics.js';

describe('gateway metrics', () => {
  it('counts submissions by result, a sender refused in the session as rejected', async () => {
    const m = new GatewayMetrics();
    const ts = new Date().toISOString();
    m.observe({ ts, code: 'queue:accepted', account: 'a@example.co.jp', data: { ts } });
    m.observe({ ts, code: 'policy:refused', account: 'a@example.co.jp', data: { verdict: 'defer' } });
    m.observe({ ts, code: 'policy:refused', account: 'a@example.co.jp', data: { verdict: 'reject' } });
    m.observe({ ts, code: 'policy:sender-refused', account: 'a@example.co.jp', data: { type: 'sender-refused', address: 'ceo@example.co.jp' } });
    const text = await m.registry.metrics();
    expect(text).toContain('mailwarden_messages_total{result="accepted"} 1');
    expect(text).toContain('mailwarden_messages_total{result="deferred"} 1');
    expect(text).toContain('mailwarden_messages_total{result="rejected"} 2');
  });

  it('shows the free space of the embedded store\'s file system, when there is one to watch', async () => {
    expect(await new GatewayMetrics(undefined, async () => 123_456_789).text()).toMatch(/^mailwarden_store_free_bytes 123456789$/m);
    expect(await new GatewayMetrics().text()).not.toContain('mailwarden_store_free_bytes');
  });
});
