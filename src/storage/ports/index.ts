import type { AccountStore } from './accounts.js';
import type { AdminStore } from './admins.js';
import type { AuditStore } from './audit.js';
import type { BounceStore } from './bounces.js';
import type { EventStore } from './events.js';
import type { QueueStore } from './queue.js';
import type { SuppressionStore } from './suppression.js';

export type * from './accounts.js';
export type * from './admins.js';
export type * from './audit.js';
export type * from './bounces.js';
export type * from './events.js';
export type * from './queue.js';
export type * from './suppression.js';

/** The record of truth, split by role; each backend implements every role. */
export interface Store {
  readonly backend: 'sqlite' | 'postgres';
  accounts: AccountStore;
  queue: QueueStore;
  events: EventStore;
  admins: AdminStore;
  audit: AuditStore;
  bounces: BounceStore;
  suppression: SuppressionStore;
  close(): Promise<void>;
}
