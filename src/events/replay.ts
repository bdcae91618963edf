/**
 * The event stream consumed by the detection engine, in the replay format of DESIGN.md.
 * The live gateway produces these same objects, so replay and live run the same code.
 */
export interface AuthEvent {
  ts: string;
  type: 'auth';
  account: string;
  ip: string;
  ok: boolean;
  mechanism?: string;
  /** ISO country code and autonomous system, when the gateway knows them (GeoIP or network table). */
  country?: string;
  asn?: number;
  /** true when the credential used was an app password. */
  appPassword?: boolean;
}

export interface SubmitEvent {
  ts: string;
  type: 'submit';
  account: string;
  ip: string;
  messageId: string;
  mailFrom: string;
  headerFrom: string;
  rcpts: string[];
  size?: number;
  subject?: string;
  bodyHash?: string;
  client?: string;
  country?: string;
  asn?: number;
  /** Live gateway only: the SMTP session that submitted it, so containment can cut it. */
  sessionId?: string;
}

export interface BounceEvent {
  ts: string;
  type: 'bounce';
  account: string;
  messageId: string;
  rcpt: string;
  status: string;
  /** Sisimai reason, when the bounce parser knows it; `feedback` marks an ARF complaint. */
  reason?: string;
}

/** A password or app-password change: the account starts a probation budget. */
export interface CredentialEvent {
  ts: string;
  type: 'credential';
  account: string;
  kind: 'password' | 'app-password';
}

export type ReplayEvent = AuthEvent | SubmitEvent | BounceEvent | CredentialEvent;

export type Verdict = 'accept' | 'defer' | 'reject' | 'hold';
export type AccountState = 'active' | 'watch' | 'restricted';

export interface SubmitDecision {
  ts: string;
  account: string;
  messageId: string;
  verdict: Verdict;
  score: number;
  reasons: string[];
}

export interface StateChange {
  ts: string;
  account: string;
  type: 'state';
  state: AccountState;
  reasons: string[];
}
