/**
 * The suppression list: recipient addresses the gateway no longer sends to, because mail to
 * them bounced permanently (the mailbox or domain does not exist). Sending again only repeats
 * the bounce and lowers the domain's reputation with the receiving providers; an administrator
 * removes an entry when the address works again.
 */
export interface Suppression {
  /** Lower case: receivers treat addresses case-insensitively in practice. */
  address: string;
  /** Sisimai reason (`userunknown`, `hostunknown`, …) or `manual`. */
  reason: string;
  /** Enhanced status of the bounce, "" for a manual entry. */
  status: string;
  /** The queued message whose bounce added it; null for a manual entry. */
  sourceQueueId: string | null;
  /** `bounce`, or `cli:USER` / `admin:NAME` for a manual entry. */
  createdBy: string;
  createdAt: string;
}

export interface SuppressionStore {
  /** Adds or refreshes the entry; true when the address was not suppressed before. */
  add(entry: Suppression): Promise<boolean>;
  remove(address: string): Promise<boolean>;
  get(address: string): Promise<Suppression | null>;
  has(address: string): Promise<boolean>;
  /** Newest first. */
  list(query?: { limit?: number }): Promise<Suppression[]>;
}
