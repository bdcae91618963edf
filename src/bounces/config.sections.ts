import { z } from 'zod';

const rate = (value: number, description: string) => z.number().min(0).max(1).default(value).describe(description);
const count = (value: number, description: string) => z.number().int().nonnegative().default(value).describe(description);

/**
 * Per-account bounce and complaint rates. The thresholds follow Amazon SES, whose published
 * review and enforcement levels are what large receivers tolerate: bounces 5 % (review) and
 * 10 % (sending paused), complaints 0.1 % and 0.5 %. The minimum samples keep one typo or one
 * irritated recipient of a small account from counting as a rate.
 */
const ratesShape = {
  windowHours: z.number().positive().default(24).describe('Sliding window over which rates are measured.'),
  minRecipients: count(50, 'Recipients accepted in the window before the hard-bounce rate is trusted.'),
  minHardBounces: count(3, 'Hard bounces in the window before the hard-bounce rate is trusted.'),
  bounceReview: rate(0.05, 'Hard-bounce rate at which the account is put under review (an event and a warning).'),
  bounceRestrict: rate(0.1, 'Hard-bounce rate at which the account is restricted.'),
  complaintMinRecipients: count(500, 'Recipients accepted in the window before the complaint rate is trusted.'),
  minComplaints: count(2, 'Complaints in the window before the complaint rate is trusted.'),
  complaintReview: rate(0.001, 'Complaint rate at which the account is put under review.'),
  complaintRestrict: rate(0.005, 'Complaint rate at which the account is restricted.'),
};
const ratesObject = z.object(ratesShape).strict();
export const bounceRatesSchema = ratesObject
  .default(() => ratesObject.parse({}))
  .describe('Per-account hard-bounce and complaint rates that put an account under review or restrict it.');

/** A mailbox where bounces land when the bounce domain's MX is not this gateway (a hosted mail service). */
const imapShape = {
  enabled: z.boolean().default(false).describe('Poll the mailbox for bounces.'),
  host: z.string().default('').describe('IMAP server.'),
  port: z.number().int().min(1).max(65535).default(993).describe('IMAP port (993 implicit TLS, 143 STARTTLS).'),
  secure: z.boolean().default(true).describe('Implicit TLS from the first byte (port 993).'),
  user: z.string().default('').describe('IMAP login.'),
  password: z.string().default('').describe('IMAP password. Secret: MAILWARDEN_IMAP_PASSWORD overrides it.'),
  mailbox: z.string().default('INBOX').describe('Mailbox to read.'),
  moveTo: z.string().nullable().default(null).describe('Mailbox to move handled messages to; null: they are only marked seen.'),
  intervalSeconds: z.number().int().positive().default(60).describe('Seconds between polls.'),
};
const imapObject = z.object(imapShape).strict();
export const bounceImapSchema = imapObject.default(() => imapObject.parse({})).describe('The bounce mailbox route (IMAP).');

export type BounceRatesConfig = z.infer<typeof ratesObject>;
export type BounceImapConfig = z.infer<typeof imapObject>;
