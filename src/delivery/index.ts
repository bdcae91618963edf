/** Stage 5, delivery: the public surface used by the composition root and by tests. */
export { deliveryConfigSchema, deliveryConfig } from './config.js';
export type { DeliveryConfig } from './config.js';
export { DeliveryWorker } from './worker.js';
export type { DeliveryWorkerOptions } from './worker.js';
export type { SignFn, ReturnPathFn } from './attempt.js';
export { resolveRoute } from './route.js';
export type { MxResolver, NextHop, Route, TlsMode } from './route.js';
export { classifyReply, classifyError, parseReply, backoffSeconds, reasonFor } from './classify.js';
export type { Classified, Disposition } from './classify.js';
export { buildDsn } from './dsn.js';
export type { DsnInput, DsnRecipient } from './dsn.js';
export { DELIVERY_EVENT } from './events.js';
export type { DeliveryEvent, DeliveryEventCode, DeliveryEventSink } from './events.js';
