import { z } from 'zod';

/**
 * The whole configuration, one YAML file. Every key carries a description and a default;
 * docs/config.md is generated from this schema (`npm run docs:config`) and checked for drift.
 * Sections owned by a stage (delivery, detection, ...) are defined next to that stage.
 */
const port = z.number().int().min(0).max(65535);

export const tlsSchema = z
  .object({
    cert: z.string().default('data/tls/cert.pem').describe('PEM certificate chain for the submission ports (relative paths are relative to the config file).'),
    key: z.string().default('data/tls/key.pem').describe('PEM private key of the certificate.'),
  })
  .describe('TLS certificate. `mailwarden init` writes a self-signed one; replace the paths with a real certificate in production.');

export const submissionSchema = z
  .object({
    host: z.string().default('0.0.0.0').describe('Address the submission ports listen on.'),
    starttlsPort: port.nullable().default(2587).describe('Submission with STARTTLS (587 in production). null disables it; 0 picks a free port.'),
    tlsPort: port.nullable().default(2465).describe('Submission with implicit TLS (465 in production, RFC 8314). null disables it; 0 picks a free port.'),
    plainPortForTests: port
      .nullable()
      .default(null)
      .describe('A port without TLS, for tests only. AUTH is never offered on it, so it cannot submit mail.'),
    devicePort: port
      .nullable()
      .default(null)
      .describe('A port for devices that cannot do TLS or AUTH (old printers and scanners): STARTTLS offered but not required, AUTH never offered, and only the sources listed in auth.devices may connect. null disables it.'),
    maxMessageBytes: z.number().int().positive().default(26_214_400).describe('Largest message accepted (SIZE), in bytes.'),
    maxClients: z.number().int().positive().default(500).describe('Simultaneous connections in total.'),
    maxClientsPerIp: z.number().int().positive().default(50).describe('Simultaneous connections from one IP address.'),
    maxCommands: z
      .number()
      .int()
      .positive()
      .default(2000)
      .describe('Commands allowed in one session; a session past it is closed with 421.'),
    maxUnauthenticatedCommands: z.number().int().positive().default(10).describe('Commands allowed before a successful AUTH.'),
    maxRecipients: z.number().int().positive().default(100).describe('Recipients per message (RCPT TO).'),
    maxLineLength: z.number().int().positive().default(998).describe('Longest header or body line accepted (RFC 5322 limit is 998).'),
    maxCommandLength: z.number().int().positive().default(4096).describe('Longest SMTP command line accepted.'),
    socketTimeoutSeconds: z.number().positive().default(300).describe('Idle time after which a session is closed (RFC 5321 suggests 5 minutes).'),
    receivedIncludesClientIp: z
      .boolean()
      .default(true)
      .describe('Whether the Received header names the client IP address. false keeps employees\' home addresses private.'),
    trustedProxies: z
      .array(z.string())
      .default([])
      .describe('Addresses of load balancers allowed to send the PROXY protocol header (v1/v2) with the real client IP.'),
  })
  .describe('The submission service: where mail clients connect.');

export const storeSchema = z
  .string()
  .default('sqlite:data/mailwarden.db')
  .describe('Where state, queue and events live: `sqlite:PATH` (embedded default) or `postgres://...`. Env MAILWARDEN_STORE overrides.');

export const baseConfigSchema = z.object({
  hostname: z.string().default('localhost').describe('This gateway\'s host name, used in the greeting, Received headers and Message-IDs.'),
  lang: z.enum(['en', 'ja']).default('ja').describe('Language of CLI output, alerts and SMTP reply texts.'),
  dataDir: z.string().default('data').describe('Directory for the embedded store, TLS files and DKIM keys (relative to the config file).'),
  store: storeSchema,
  tls: tlsSchema.prefault({}),
  submission: submissionSchema.prefault({}),
  log: z
    .object({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level (pino).'),
    })
    .prefault({})
    .describe('Logging; logs are JSON lines on stderr.'),
});
