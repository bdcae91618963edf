import { z } from 'zod';

/**
 * The tuning sections of the detection configuration. Each section defaults to its own fully
 * parsed defaults (zod 4 does not parse a `.default()` value, so it is built by parsing `{}`).
 */
export function section<S extends z.ZodRawShape>(shape: S, description: string) {
  const schema = z.object(shape).strict();
  // The cast only restates the generic output type, which TypeScript cannot narrow inside a generic.
  return schema.default(() => schema.parse({}) as never).describe(description);
}

const num = (value: number, description: string) => z.number().nonnegative().default(value).describe(description);
const int = (value: number, description: string) => z.number().int().nonnegative().default(value).describe(description);

export const scoringSchema = section(
  {
    holdScore: num(70, 'A submission scoring at least this is held in quarantine.'),
    watchHoldScore: num(55, 'Hold threshold while the account is on watch.'),
    riskFloor: num(40, 'Only the part of a score above this adds to the account\'s risk.'),
    riskHalfLifeMinutes: num(45, 'Half-life of the accumulated risk.'),
    limitDeferralRisk: num(2, 'Added to the hourly risk by each submission deferred by a rate limit or the probation budget: hammering a limit restricts the account within minutes, a client retrying now and then never does.'),
    senderRefusedRisk: num(30, 'Added to the account\'s risk by each submission refused because its sender (MAIL FROM, From or Sender header) is neither the account\'s address nor one of its aliases: one is a misconfigured client; nine or ten within an hour, or within a day, restrict the account (someone else is using its password to send as another).'),
    slowRiskHalfLifeHours: num(24, 'Half-life of the same risk kept over a day, which restricts too: a run of suspicious mail too slow for the hourly risk.'),
    watchRisk: num(60, 'Risk at which the account goes on watch (it returns to active below half of it).'),
    restrictRisk: num(250, 'Risk at which the account is restricted: every further submission is rejected.'),
    synergyScale: num(40, 'Content and origin signals reinforce each other: score += content * origin / synergyScale.'),
  },
  'How signal points become verdicts and account states.',
);

export const profileSchema = section(
  {
    windowDays: num(28, 'Rolling window of the hour-of-week profile (older peaks fade with half of this as half-life).'),
    learnDays: num(5, 'Active days after which an account\'s own profile outweighs the organisation-wide prior.'),
    floorMessagesPerHour: num(8, 'Expected messages per hour never assumed below this.'),
    floorMessagesPerDay: num(20, 'Expected messages within 24 hours never assumed below this.'),
    floorRecipientsPerHour: num(15, 'Expected recipients per hour never assumed below this.'),
    floorNovelPerHour: num(5, 'Expected never-mailed-before recipients per hour never assumed below this.'),
    floorNovelPerDay: num(20, 'Expected never-mailed-before recipients within 24 hours never assumed below this.'),
    floorDomainsPerHour: num(6, 'Expected distinct recipient domains per hour never assumed below this.'),
    orgPriorFactor: num(2, 'New accounts are expected to do up to this multiple of an average account-hour of the organisation.'),
  },
  'Each account\'s hour-of-week profile of volume, recipients and recipient domains.',
);

export const probationSchema = section(
  {
    enabled: z.boolean().default(true).describe('Put accounts on a small budget after a login from a new footing or a credential change.'),
    messagesPerHour: int(20, 'Messages per hour allowed in probation.'),
    recipientsPerHour: int(40, 'External recipients per hour allowed in probation (at least the account\'s usual hourly peak).'),
    novelRecipientsPerHour: int(5, 'Never-mailed-before external recipients per hour allowed in probation (at least the account\'s usual).'),
    recipientsPerMessage: int(15, 'External recipients of one message allowed in probation.'),
    exitMessages: int(5, 'Ordinary-looking messages (mostly known recipients, low score) that end probation...'),
    exitMinutes: num(30, '...once at least this many minutes have passed since it began.'),
    maxHours: num(72, 'Probation ends by itself after this long without an anomaly.'),
    minHistoryDays: int(2, 'Days with mail an account needs before a change of footing starts probation (a new account has no footing to leave).'),
  },
  'The tight budget on a new footing (new network or country, new credential).',
);

export const networkSchema = section(
  {
    ipv4Prefix: int(24, 'IPv4 prefix length that makes a network when the event carries no ASN.'),
    ipv6Prefix: int(48, 'IPv6 prefix length that makes a network when the event carries no ASN.'),
    establishHours: num(20, 'A network or country becomes part of the account\'s footing once used this long after its first use.'),
    parallelIps: int(3, 'Distinct IPs submitting for one account within 10 minutes that count as parallel sessions.'),
    hourlyIps: int(4, 'Distinct IPs submitting for one account within an hour that count as a spread origin.'),
  },
  'Where submissions come from.',
);

export const bounceSchema = section(
  {
    windowHours: num(24, 'Window over which the hard-bounce rate is measured.'),
    minRecipients: int(20, 'Accepted recipients in the window before the rate is trusted.'),
    minHardBounces: int(3, 'Hard bounces in the window before the rate is trusted.'),
    rateStart: num(0.03, 'Hard-bounce rate at which the signal starts.'),
    rateFull: num(0.15, 'Hard-bounce rate at which the signal is at full strength.'),
  },
  'Hard bounces (5.x.x) of mail this gateway accepted.',
);

export const loginSchema = section(
  {
    failuresPerHour: int(3, 'Failed logins per hour for one account from which the signal starts.'),
    sprayAccounts: int(3, 'An IP that failed logins for this many accounts is treated as a spraying source.'),
    sprayWindowHours: num(24, 'How long a spraying source is remembered.'),
  },
  'Login anomalies.',
);

export const memorySchema = section(
  {
    recipientsPerAccount: int(5000, 'Known recipients remembered per account (the earliest learnt are forgotten first).'),
    orgRecipients: int(200000, 'Known recipients remembered for the organisation.'),
    acceptedMessages: int(200000, 'Accepted message ids remembered to tie bounces to accounts (and, as many again, those sent from a place new to the account, to tie bounces to that place).'),
    footingPerAccount: int(64, 'IPs, networks, countries and clients remembered per account.'),
    orgFooting: int(50000, 'Networks, countries and clients remembered for the organisation (and as many body hashes sent to new people).'),
    contentKeysPerAccount: int(256, 'Distinct subjects and body hashes tracked per account.'),
  },
  'Bounds on remembered state, so that memory stays flat on long streams.',
);
