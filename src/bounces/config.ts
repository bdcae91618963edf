import { z } from 'zod';
import { bounceImapSchema, bounceRatesSchema } from './config.sections.js';

/** The bounce listener and the signed return paths (`bounces+TOKEN@<domain>`). */
export const bouncesConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Run the bounce listener and sign return paths.'),
    host: z.string().default('0.0.0.0').describe('Address the bounce listener listens on.'),
    port: z.number().int().min(0).max(65535).default(2525).describe('Bounce listener port (25 in production; the MX of the bounce domain points here).'),
    domain: z
      .string()
      .nullable()
      .default(null)
      .describe('Bounce domain used in return paths. null: "bounces." followed by the sender\'s domain, a subdomain so SPF stays aligned for relaxed DMARC.'),
    perDomain: z
      .record(z.string(), z.string())
      .default({})
      .describe('Bounce domain per sender domain (e.g. {"example.co.jp": "bounce.example.co.jp"}), overriding `domain`.'),
    secret: z.string().default('').describe('HMAC secret of the return-path tokens. Secret: MAILWARDEN_BOUNCE_SECRET overrides it. Empty disables signed return paths.'),
    previousSecrets: z.array(z.string()).default([]).describe('Earlier secrets still accepted, so rotation loses no bounce of mail already sent.'),
    maxAgeDays: z.number().int().positive().default(14).describe('Age after which a return-path token is refused as expired.'),
    reportAddresses: z
      .array(z.string())
      .default([])
      .describe('Extra addresses the listener accepts (e.g. the DMARC rua address dmarc-reports@...).'),
    maxMessageBytes: z.number().int().positive().default(10 * 1024 * 1024).describe('Largest message the bounce listener accepts (a DSN returns at most the original message).'),
    maxClientsPerIp: z.number().int().positive().default(10).describe('Concurrent connections from one IP to the bounce listener.'),
    maxClients: z.number().int().positive().default(200).describe('Concurrent connections to the bounce listener.'),
    maxRecipients: z.number().int().positive().default(100).describe('Recipients per message on the bounce listener.'),
    socketTimeoutSeconds: z.number().int().positive().default(60).describe('Idle time after which a bounce listener session is closed.'),
    rates: bounceRatesSchema,
    imap: bounceImapSchema,
  })
  .describe('Bounces: where the gateway receives the bounces of the mail it sent.');

export type BouncesConfig = z.infer<typeof bouncesConfigSchema>;
