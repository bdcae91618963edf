import { z } from 'zod';

const webhookSchema = z.object({
  url: z.string().url().describe('Endpoint that receives a POST for each incident and each update, and for each campaign allowance given or ended.'),
  format: z.enum(['json', 'slack', 'teams']).default('json').describe('json: Mailwarden\'s own payload; slack: an incoming-webhook message; teams: a MessageCard for a Teams connector.'),
  secret: z.string().default('').describe('HMAC-SHA-256 key for the X-Mailwarden-Signature header; empty uses notifications.webhookSecret.'),
});

export const notificationsConfigSchema = z
  .object({
    adminEmails: z.array(z.string()).default([]).describe('Administrators who get an alert mail for every incident and every campaign allowance.'),
    notifyUser: z.boolean().default(true).describe('Also tell the account owner that their account was restricted (in their language).'),
    from: z.string().default('').describe('Sender address of alert mails; empty: postmaster@<hostname>.'),
    webhooks: z.array(webhookSchema).default([]).describe('Webhooks (generic JSON, Slack, Microsoft Teams) called for incidents and campaign allowances.'),
    webhookSecret: z.string().default('').describe('Default HMAC key of the webhooks. Secret: MAILWARDEN_WEBHOOK_SECRET overrides it.'),
    retries: z.number().int().min(0).default(6).describe('Further attempts of a webhook call that failed (exponential backoff from 2 seconds).'),
    alertOnWatch: z.boolean().default(false).describe('Also alert when an account enters the "watch" state (not only on restriction).'),
  })
  .describe('Who is told about incidents, and how.');

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
