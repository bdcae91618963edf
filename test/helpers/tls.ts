/**
 * A self-signed key and certificate for TLS in tests (STARTTLS on a fake next hop, implicit
 * TLS listeners). Generated once per test process: RSA key generation costs a noticeable
 * fraction of a second, and every suite can share the same pair.
 */
import { generate } from 'selfsigned';

export interface TestCert {
  key: string;
  cert: string;
}

let cached: Promise<TestCert> | null = null;

/** Certificate for CN=localhost with SANs localhost and 127.0.0.1; not trusted by anyone. */
export function testCert(): Promise<TestCert> {
  cached ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return cached;
}
