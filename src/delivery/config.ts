/**
 * Configuration of stage 5 (delivery), embedded by the main config under `delivery:`.
 * Every key carries a description and a default so that the reference docs can be generated
 * from this schema and an empty `delivery:` section is a working configuration.
 */
import { z } from 'zod';

const smarthostSchema = z
  .object({
    host: z.string().default('').describe('Host name or IP address of the relay that takes all outbound mail.'),
    port: z.number().int().min(1).max(65535).default(587).describe('Port of the relay (587 submission, 465 implicit TLS, 25 relay).'),
    security: z
      .enum(['starttls', 'tls', 'none'])
      .default('starttls')
      .describe(
        'starttls: STARTTLS is required, the connection fails rather than continue in clear; tls: implicit TLS from the first byte; none: plain text (trusted networks only).',
      ),
    user: z.string().default('').describe('User name for SMTP AUTH at the relay; empty disables AUTH.'),
    password: z
      .string()
      .default('')
      .describe('Password for SMTP AUTH at the relay. Secret: set it with the environment variable MAILWARDEN_SMARTHOST_PASSWORD rather than in the file.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe('Verify the relay certificate. A configured relay is a known party, so its certificate is checked by default.'),
  })
  .describe('The relay used when mode is "smarthost".');

const retrySchema = z
  .object({
    initialSeconds: z.number().positive().default(300).describe('Delay before the first retry of a deferred recipient.'),
    factor: z.number().min(1).default(2).describe('Each further retry waits this many times longer than the previous one.'),
    maxSeconds: z.number().positive().default(14_400).describe('Upper bound of the delay between two attempts.'),
  })
  .describe('Exponential backoff after a temporary failure (4xx reply, connection or TLS error, timeout).');

const timeoutsSchema = z
  .object({
    connectionMs: z.number().int().positive().default(30_000).describe('Time to wait for the TCP connection to the next hop.'),
    greetingMs: z.number().int().positive().default(30_000).describe('Time to wait for the 220 greeting after connecting.'),
    socketMs: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('Inactivity limit on an open connection (RFC 5321 §4.5.3.2 suggests minutes for DATA).'),
    dnsMs: z.number().int().positive().default(15_000).describe('Time to wait for one DNS answer (MX, A, AAAA); a timeout defers.'),
  })
  .describe('Network timeouts of outbound SMTP connections.');

export const deliveryConfigSchema = z
  .object({
    mode: z
      .enum(['mx', 'smarthost'])
      .default('mx')
      .describe('mx: deliver directly to each recipient domain\'s mail exchangers; smarthost: hand every message to one relay.'),
    smarthost: smarthostSchema.default(smarthostSchema.parse({})),
    mxPort: z.number().int().min(1).max(65535).default(25).describe('TCP port of remote mail exchangers (25; other values only for tests).'),
    requireTls: z
      .array(z.string())
      .default([])
      .describe('Destination domains where TLS is mandatory: if a mail exchanger offers no STARTTLS or the upgrade fails, delivery is deferred, never made in clear.'),
    tlsRejectUnauthorized: z
      .boolean()
      .default(false)
      .describe('Verify mail exchanger certificates. Off by default because opportunistic STARTTLS (RFC 3207, RFC 7435) accepts any certificate, as real MTAs do.'),
    concurrency: z.number().int().positive().default(20).describe('Maximum number of outbound SMTP connections in total.'),
    perDestination: z.number().int().positive().default(2).describe('Maximum number of concurrent connections to one destination (domain or relay).'),
    maxMessagesPerConnection: z.number().int().positive().default(100).describe('A connection is closed after this many transactions and a fresh one is opened.'),
    idleCloseMs: z.number().int().nonnegative().default(5_000).describe('An unused open connection is closed (QUIT) after this long.'),
    retry: retrySchema.default(retrySchema.parse({})),
    lifetimeHours: z
      .number()
      .positive()
      .default(120)
      .describe('How long a message is retried before its undelivered recipients fail as "expired" (RFC 5321 §4.5.4.1: at least 4-5 days).'),
    leaseSeconds: z
      .number()
      .int()
      .positive()
      .default(600)
      .describe('How long a claimed message belongs to this node; if the node dies, another one takes the message after this.'),
    batchSize: z.number().int().positive().default(50).describe('Messages claimed from the queue per poll.'),
    pollMs: z.number().int().positive().default(1_000).describe('Interval between queue polls when the queue is idle.'),
    heloName: z.string().default('').describe('Name sent in EHLO; empty uses the host name of the machine.'),
    reportingMta: z.string().default('').describe('Name put in the Reporting-MTA field of delivery status notifications; empty uses heloName.'),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
  })
  .describe('Stage 5: relaying queued mail to the next hop.');

export type DeliveryConfig = z.infer<typeof deliveryConfigSchema>;

/** The effective configuration for partial input (tests, embedding). */
export function deliveryConfig(input: unknown = {}): DeliveryConfig {
  return deliveryConfigSchema.parse(input);
}
