import { z } from 'zod';
import {
  bounceSchema,
  loginSchema,
  memorySchema,
  networkSchema,
  probationSchema,
  profileSchema,
  scoringSchema,
  section,
} from './config.sections.js';

/**
 * Detection configuration. Every key carries a description and a default, so that an empty
 * document is a working configuration for a small company and the reference docs can be
 * generated from the schema.
 */
const limitShape = {
  messagesPerMinute: z.number().int().positive().default(10).describe('Messages an account may submit in any 60 seconds.'),
  messagesPerHour: z.number().int().positive().default(150).describe('Messages an account may submit in any hour.'),
  messagesPerDay: z.number().int().positive().default(600).describe('Messages an account may submit in any 24 hours.'),
  recipientsPerMinute: z.number().int().positive().default(60).describe('Recipients (envelope RCPT TO) in any 60 seconds.'),
  recipientsPerHour: z.number().int().positive().default(400).describe('Recipients in any hour.'),
  recipientsPerDay: z.number().int().positive().default(1500).describe('Recipients in any 24 hours.'),
  recipientsPerMessage: z.number().int().positive().default(100).describe('Recipients of a single message.'),
  domainsPerHour: z.number().int().positive().default(80).describe('Distinct recipient domains in any hour.'),
};

export const limitsSchema = z.object(limitShape);
export type Limits = z.infer<typeof limitsSchema>;

/** An override names only the limits it changes; the rest come from the level below it. */
const limitOverrideSchema = z
  .object(
    Object.fromEntries(
      Object.entries(limitShape).map(([k, v]) => [k, v.unwrap().optional().describe(`${v.description ?? k} (override)`)]),
    ) as { [K in keyof typeof limitShape]: z.ZodOptional<z.ZodNumber> },
  )
  .strict();
export type LimitOverride = z.infer<typeof limitOverrideSchema>;

const bulkLimitsSchema = z.object({
  messagesPerMinute: limitShape.messagesPerMinute.unwrap().default(600).describe(`${limitShape.messagesPerMinute.description} (bulk senders)`),
  messagesPerHour: limitShape.messagesPerHour.unwrap().default(6000).describe(`${limitShape.messagesPerHour.description} (bulk senders)`),
  messagesPerDay: limitShape.messagesPerDay.unwrap().default(20000).describe(`${limitShape.messagesPerDay.description} (bulk senders)`),
  recipientsPerMinute: limitShape.recipientsPerMinute.unwrap().default(1200).describe(`${limitShape.recipientsPerMinute.description} (bulk senders)`),
  recipientsPerHour: limitShape.recipientsPerHour.unwrap().default(12000).describe(`${limitShape.recipientsPerHour.description} (bulk senders)`),
  recipientsPerDay: limitShape.recipientsPerDay.unwrap().default(40000).describe(`${limitShape.recipientsPerDay.description} (bulk senders)`),
  recipientsPerMessage: limitShape.recipientsPerMessage.unwrap().default(100).describe(`${limitShape.recipientsPerMessage.description} (bulk senders)`),
  domainsPerHour: limitShape.domainsPerHour.unwrap().default(5000).describe(`${limitShape.domainsPerHour.description} (bulk senders)`),
});

const groupSchema = z
  .object({
    members: z.array(z.string()).default([]).describe('Accounts (full addresses) in this group.'),
    limits: limitOverrideSchema.default({}).describe('Limits for members of this group.'),
    bulk: z.boolean().default(false).describe('Members are declared bulk senders.'),
  })
  .strict();

const accountSchema = z
  .object({
    group: z.string().optional().describe('Group whose limits apply before the account\'s own (besides `members`).'),
    limits: limitOverrideSchema.default({}).describe('Limits for this account, over its group\'s.'),
    bulk: z.boolean().default(false).describe('The account is a declared bulk sender (newsletter, notifications).'),
    aliases: z
      .array(z.string())
      .default([])
      .describe('Other addresses the account may send as (replay only: the gateway reads aliases from its user store). Replay refuses a submission from any other sender address, as the gateway does.'),
  })
  .strict();

export const detectionConfigSchema = z
  .object({
    shadow: z
      .boolean()
      .default(false)
      .describe('Decide and report, but always accept and never enforce a restriction; would-have verdicts show as "shadow:" reasons.'),
    orgDomains: z
      .array(z.string())
      .default([])
      .describe('Domains of the organisation; mail to them is internal. Each account\'s own domain always counts.'),
    limits: section(limitShape, 'Default limits for every account.'),
    bulkLimits: bulkLimitsSchema
      .default(() => bulkLimitsSchema.parse({}))
      .describe('Allowance for declared bulk senders (replaces the default limits; account and group overrides still apply).'),
    bulkSenders: z.array(z.string()).default([]).describe('Accounts declared as bulk senders.'),
    groups: z.record(z.string(), groupSchema).default({}).describe('Named groups of accounts with their own limits.'),
    accounts: z.record(z.string(), accountSchema).default({}).describe('Per-account settings, keyed by address.'),
    scoring: scoringSchema,
    profile: profileSchema,
    probation: probationSchema,
    network: networkSchema,
    bounces: bounceSchema,
    login: loginSchema,
    memory: memorySchema,
  })
  .strict();

export type DetectionConfig = z.infer<typeof detectionConfigSchema>;

/** A configuration with every default filled in, for callers that have no file. */
export function defaultDetectionConfig(overrides: unknown = {}): DetectionConfig {
  return detectionConfigSchema.parse(overrides);
}
