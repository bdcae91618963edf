import type { ReasonRule } from './load.js';
import { SENDER_RULES } from './sender.js';
import { RECIPIENT_RULES } from './recipient.js';
import { TRANSPORT_RULES } from './transport.js';

export type { ReasonRule } from './load.js';
export { STATUS_REASONS, CLASS_REASONS, REASON_STATUS } from './status-codes.js';

/** All text rules in priority order: the first rule whose pattern matches decides the reason. */
export const REASON_RULES: readonly ReasonRule[] = [...SENDER_RULES, ...RECIPIENT_RULES, ...TRANSPORT_RULES];
