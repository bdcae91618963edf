/**
 * The DSNs a real Postfix 3.7 (Debian 12) sent back for mail relayed through the gateway, kept
 * byte for byte (regenerate with POSTFIX_FIXTURES=write and real-bounces.test.ts). They run on
 * every machine, with or without Postfix installed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBounce } from '../../../src/bounces/parse/index.js';
import { suppresses } from '../../../src/bounces/suppression.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bounces/postfix-real/${name}`, import.meta.url));

describe('DSNs as a real Postfix writes them', () => {
  it.each([
    // <nobody-here@customer.example>: unknown user: "nobody-here@customer.example"
    ['userunknown.eml', 'nobody-here@customer.example', '5.1.1', 'userunknown', true],
    // delivery failed to mailbox .../mike: error writing message: File too large  (x-unix; input/output error)
    ['mailboxfull.eml', 'mike@customer.example', '5.2.2', 'mailboxfull', false],
    // connect to 127.0.0.1[127.0.0.1]:39067: Connection refused  (tried once: maximal_queue_lifetime = 0)
    ['connection-refused.eml', 'hanako@closed.example', '4.4.1', 'networkerror', false],
  ])('%s names %s, status %s, reason %s (suppressed: %s)', async (name, address, status, reason, suppressed) => {
    const result = await parseBounce(fixture(name));
    expect(result).toMatchObject({ isBounce: true, kind: 'bounce', format: 'dsn' });
    expect(result.originalMessageId).toMatch(/^<[0-9a-f-]+@example\.co\.jp>$/);
    expect(result.returnPath).toMatch(/^bounces\+[a-z0-9-]+=[0-9a-z]+=[a-z0-9]+=[a-z2-7]{10}@bounces\.example\.co\.jp$/);
    expect(result.recipients).toEqual([expect.objectContaining({ address, action: 'failed', status, reason })]);
    expect(suppresses(result.recipients[0])).toBe(suppressed);
  });
});
