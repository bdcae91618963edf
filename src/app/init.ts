import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generate } from 'selfsigned';

/**
 * `mailwarden init`: a commented config, a data directory and a self-signed certificate, so
 * that the embedded default starts with nothing else. Existing files are never overwritten.
 */
export interface InitResult {
  dir: string;
  configPath: string;
  created: string[];
  kept: string[];
}

export async function initialise(dir: string, hostname = 'localhost'): Promise<InitResult> {
  const root = resolve(dir);
  const result: InitResult = { dir: root, configPath: join(root, 'mailwarden.yaml'), created: [], kept: [] };
  mkdirSync(join(root, 'data', 'tls'), { recursive: true, mode: 0o700 });
  const write = (path: string, content: string, mode = 0o600) => {
    if (existsSync(path)) return void result.kept.push(path);
    writeFileSync(path, content, { mode });
    result.created.push(path);
  };
  const keyPath = join(root, 'data', 'tls', 'key.pem');
  const certPath = join(root, 'data', 'tls', 'cert.pem');
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    const pems = await generate([{ name: 'commonName', value: hostname }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: hostname }, { type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert, { mode: 0o644 });
    result.created.push(keyPath, certPath);
  }
  write(result.configPath, configTemplate(hostname, randomBytes(24).toString('base64url')));
  return result;
}

function configTemplate(hostname: string, bounceSecret: string): string {
  return `# Mailwarden configuration. Every key and its default: docs/config.md
# Paths are relative to this file. Secrets can come from the environment instead:
#   MAILWARDEN_SMARTHOST_PASSWORD, MAILWARDEN_BOUNCE_SECRET, MAILWARDEN_STORE, MAILWARDEN_REDIS_URL

# This gateway's host name (greeting, Received headers, Message-IDs).
hostname: ${hostname}

# Language of CLI output and alerts: ja or en.
lang: ja

# Embedded store (SQLite). For several nodes: postgres://user@host/db (see docs/deploy.md).
store: sqlite:data/mailwarden.db

# Self-signed certificate written by "mailwarden init"; replace with your real certificate.
tls:
  cert: data/tls/cert.pem
  key: data/tls/key.pem

submission:
  host: 0.0.0.0
  # STARTTLS and implicit-TLS submission ports (use 587 and 465 in production).
  starttlsPort: 2587
  tlsPort: 2465
  maxMessageBytes: 26214400
  maxRecipients: 100
  # false leaves the client IP out of the Received header (privacy of home addresses).
  receivedIncludesClientIp: true

delivery:
  # mx: deliver directly to each domain's MX; smarthost: hand everything to one relay.
  mode: mx
  # smarthost:
  #   host: smtp.provider.example
  #   port: 587
  #   security: starttls
  #   user: relay-user
  #   # password: set MAILWARDEN_SMARTHOST_PASSWORD instead
  lifetimeHours: 120

bounces:
  # Secret that signs the return paths (bounces+TOKEN@...). Keep it private; rotate by
  # moving the old value to previousSecrets.
  secret: ${bounceSecret}
`;
}
