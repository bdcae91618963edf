/**
 * The result of reading one message received at the bounce address. The CLI prints the contract
 * fields (`isBounce`, `originalMessageId`, `recipients`); the correlation module also reads `kind`
 * and the return-path token, which tie the bounce to the queued message and recipient it answers.
 */
export type BounceKind = 'bounce' | 'complaint' | 'autoreply' | 'none';

/** RFC 3464 actions, as written by the reporting MTA (lower case). */
export type BounceAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

export interface BounceRecipient {
  address: string;
  action: BounceAction;
  /** Enhanced status code `c.s.d`, or "" when the report carries none and none could be derived. */
  status: string;
  /** Lower-case Sisimai reason name (`userunknown`, `mailboxfull`, …). */
  reason: string;
  /** The remote server's reply (or the report's explanation), whitespace collapsed. */
  diagnostic: string;
  remoteMta: string | null;
}

export interface BounceResult {
  isBounce: boolean;
  kind: BounceKind;
  originalMessageId: string | null;
  recipients: BounceRecipient[];
  /** The token of a `bounces+TOKEN@…` envelope recipient, for `verifyReturnPath`; not verified here. */
  returnPathToken?: string;
  /** The whole signed return-path address the token came from. */
  returnPath?: string;
  /** Which reader recognised the message (`dsn`, `arf`, `exim`, …): for logs and tests. */
  format?: string;
}

/** The parts of a received message that the readers look at, decoded once. */
export interface MailView {
  /** Header name (lower case) -> decoded values in order. */
  headers: Map<string, string[]>;
  subject: string;
  from: string;
  /** Plain text of the human-readable part(s); HTML converted when there is no text part. */
  text: string;
  /** Bodies of message/delivery-status (or message/global-delivery-status) parts. */
  deliveryStatus: string[];
  /** Body of a message/feedback-report part (RFC 5965). */
  feedbackReport?: string;
  /** Header block of the returned original message (message/rfc822 or text/rfc822-headers). */
  originalHeaders?: string;
  /** Content-Type parameters of the top-level message, lower-case. */
  reportType?: string;
}

export function header(view: MailView, name: string): string {
  return view.headers.get(name)?.[0] ?? '';
}
