/** The event record: every auth attempt, submission, verdict and delivery, in time order. */
export interface StoredEvent {
  id: number;
  ts: string;
  /** Stable code from the event catalogue, e.g. "smtp:auth-ok", "queue:accepted", "delivery:delivered". */
  code: string;
  account: string | null;
  data: Record<string, unknown>;
}

export type NewEvent = Omit<StoredEvent, 'id'>;

export interface EventQuery {
  afterId?: number;
  since?: string;
  account?: string;
  codes?: string[];
  limit?: number;
  /** Newest first when true (for "tail"); oldest first otherwise. */
  newestFirst?: boolean;
}

export interface EventStore {
  append(event: NewEvent): Promise<void>;
  query(q: EventQuery): Promise<StoredEvent[]>;
  /** Deletes up to `limit` of the oldest events before `before` (ISO time); returns how many. */
  purge(before: string, limit: number): Promise<number>;
}
