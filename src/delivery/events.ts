/**
 * Events of stage 5, with stable codes (CONVENTIONS rule 5). Each carries the queue id as the
 * correlation id, and for recipient events the recipient, the reply, the next hop and the TLS
 * protocol used, so the console and the detection engine see what the remote side said.
 */
export const DELIVERY_EVENT = {
  delivered: 'delivery:delivered',
  deferred: 'delivery:deferred',
  failed: 'delivery:failed',
  dsnSent: 'delivery:dsn-sent',
  error: 'delivery:error',
} as const;

export type DeliveryEventCode = (typeof DELIVERY_EVENT)[keyof typeof DELIVERY_EVENT];

/** Shaped like the event store's NewEvent so that the composition root can append it as is. */
export interface DeliveryEvent {
  ts: string;
  code: DeliveryEventCode;
  account: string | null;
  data: Record<string, unknown>;
}

export type DeliveryEventSink = (event: DeliveryEvent) => void | Promise<void>;

/**
 * Failure policy for the event sink: an event that cannot be recorded never stops or fails a
 * delivery (the queue remains the record of truth); the failure goes to stderr instead.
 */
export async function emitSafely(sink: DeliveryEventSink, event: DeliveryEvent): Promise<void> {
  try {
    await sink(event);
  } catch (err) {
    process.stderr.write(`delivery: event ${event.code} not recorded: ${(err as Error).message}\n`);
  }
}
