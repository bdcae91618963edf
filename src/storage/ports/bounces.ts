/**
 * Mail received by the bounce listener or read from the bounce mailbox: DSNs, complaints,
 * auto-replies and DMARC reports. The raw message is committed before the listener answers
 * "250", so a bounce whose handling fails (a store hiccup, a parser bug) is kept and handled
 * again at the next start instead of being lost.
 */
export type InboundSource = 'smtp' | 'imap';
export type InboundState = 'pending' | 'handled' | 'failed';

/**
 * What the message turned out to be: the parser's kinds, plus `dmarc-report`, `spoofing` (a
 * bounce for mail this gateway never sent) and `unmatched` (a signed bounce whose message is
 * no longer in the queue).
 */
export type InboundKind = 'bounce' | 'complaint' | 'autoreply' | 'none' | 'dmarc-report' | 'spoofing' | 'unmatched';

export interface InboundMessage {
  id: string;
  receivedAt: string;
  source: InboundSource;
  /** The client IP (smtp) or the mailbox and UID (imap). */
  remote: string;
  mailFrom: string;
  rcpts: string[];
  size: number;
  state: InboundState;
  kind: InboundKind | null;
  /** The account whose mail bounced, once correlated. */
  account: string | null;
  queueId: string | null;
  /** What handling found: recipients and statuses, the DMARC report, the spoofing evidence. */
  summary: Record<string, unknown>;
  error: string | null;
  handledAt: string | null;
}

export interface NewInbound {
  id: string;
  receivedAt: string;
  source: InboundSource;
  remote: string;
  mailFrom: string;
  rcpts: string[];
  raw: Buffer;
}

export interface InboundOutcome {
  state: 'handled' | 'failed';
  kind: InboundKind | null;
  account: string | null;
  queueId: string | null;
  summary: Record<string, unknown>;
  error: string | null;
}

export interface InboundQuery {
  account?: string;
  kind?: InboundKind;
  state?: InboundState;
  since?: string;
  limit?: number;
  newestFirst?: boolean;
}

export interface BounceStore {
  /** Resolves only once the raw message is committed to durable storage. */
  receive(message: NewInbound): Promise<void>;
  get(id: string): Promise<InboundMessage | null>;
  getRaw(id: string): Promise<Buffer | null>;
  finish(id: string, outcome: InboundOutcome, at: string): Promise<void>;
  list(query?: InboundQuery): Promise<InboundMessage[]>;
}
