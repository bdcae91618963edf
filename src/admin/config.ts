import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/**
 * The admin server: web console, HTTP API, metrics and health. It listens on loopback by
 * default, because the console is the most powerful door into the gateway: publish it only
 * behind a TLS reverse proxy or a VPN.
 */
export const adminConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Whether the gateway starts the admin server (console, API, /metrics, /healthz).'),
    host: z.string().default('127.0.0.1').describe('Address the admin server listens on. Keep it on loopback unless a TLS reverse proxy fronts it.'),
    port: port.default(8587).describe('Port of the admin server; 0 picks a free port.'),
    secureCookies: z
      .boolean()
      .default(true)
      .describe('Mark session cookies Secure (sent over HTTPS only). Set false only for plain-HTTP tests on localhost.'),
    trustProxy: z
      .boolean()
      .default(false)
      .describe('Take the client address from X-Forwarded-For (set true only behind a reverse proxy you run), for sign-in throttling and the audit log.'),
    sessionIdleMinutes: z.number().positive().default(30).describe('A console session ends after this long without a request.'),
    sessionAbsoluteHours: z.number().positive().default(12).describe('A console session ends this long after sign-in, however active.'),
    signIn: z
      .object({
        maxFailuresPerIp: z.number().int().positive().default(10).describe('Failed sign-ins from one address within the window before that address is refused.'),
        ipWindowMinutes: z.number().positive().default(15).describe('Window for counting failed sign-ins per address.'),
        maxFailuresPerUser: z.number().int().positive().default(5).describe('Consecutive failed sign-ins of one administrator before the name is locked.'),
        lockMinutes: z.number().positive().default(15).describe('How long a locked administrator name is refused (doubling with each further failure, at most 24 hours).'),
      })
      .prefault({})
      .describe('Throttling of console sign-in, per address and per administrator.'),
    publicUrl: z
      .union([z.url({ protocol: /^https?$/ }), z.literal('')])
      .default('')
      .describe('The console\'s address as administrators reach it (for example https://mail-admin.example.co.jp/). When set, alert mails and webhooks to administrators link to the page of the account or incident. Empty: no links.'),
    totpIssuer: z.string().default('Mailwarden').describe('Issuer name shown in authenticator apps next to the administrator name.'),
    webRoot: z
      .string()
      .default('')
      .describe('Directory of the built console (index.html and assets). Empty: web/dist of the installed package.'),
  })
  .describe('Admin server: the web console, the HTTP API (/api, OpenAPI at /api/openapi.json), Prometheus metrics (/metrics) and health checks (/healthz, /readyz).');

export type AdminConfig = z.infer<typeof adminConfigSchema>;
