import type { SMTPServerSession } from 'smtp-server';
import type { GatewayError } from '../errors/catalogue.js';
import type { SenderField } from '../policy/identity.js';
import type { Account } from '../storage/ports/index.js';

/** The authenticated identity carried by a session after AUTH. */
export interface SessionUser {
  address: string;
  aliases: string[];
  appPasswordId: string | null;
  /** Set for a device that cannot authenticate, identified by its source address (src/auth/devices.ts). */
  device?: string;
}

export type AuthOutcome = { ok: true; account: Account; appPasswordId: string | null } | { ok: false; error: GatewayError };

/** A message that passed every SMTP-level check, ready for the policy and the queue. */
export interface Submission {
  sessionId: string;
  account: string;
  ip: string;
  mailFrom: string;
  rcpts: string[];
  raw: Buffer;
  messageId: string;
  headerFrom: string;
  subject: string;
  bodyHash: string;
  client: string;
  receivedAt: Date;
}

/** What the submission stage needs from the rest of the gateway (wired in src/app). */
export interface SubmissionPorts {
  authenticate(req: { username: string; password: string; ip: string; mechanism: string; sessionId: string }): Promise<AuthOutcome>;
  /** The account as it is now: restriction and disabling take effect on the next command. */
  currentAccount(address: string): Promise<Account | null>;
  /** Runs the policy and commits the message; resolves with the queue id, or throws a GatewayError. */
  submit(submission: Submission): Promise<{ queueId: string; held: boolean }>;
  /** RCPT TO: a refusal for this recipient (e.g. suppressed after a hard bounce), or null. */
  checkRecipient?(address: string): Promise<GatewayError | null>;
  /** A sender the account may not use was refused (MAIL FROM, From or Sender header): recorded and told to the detection engine. */
  senderRefused?(refusal: SenderRefusal): void;
}

export interface SenderRefusal {
  account: string;
  ip: string;
  field: SenderField;
  address: string;
  sessionId: string;
}

export type Session = SMTPServerSession & { user?: SessionUser };
