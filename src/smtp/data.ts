import type { SMTPServerDataStream } from 'smtp-server';
import type { Config } from '../config/index.js';
import { GatewayError } from '../errors/catalogue.js';
import { checkHeaderSenders, reportRefusedSender } from './mail-from.identity.js';
import { readFacts } from './message.js';
import { findSmuggling, longestLine } from './smuggling.js';
import type { Session, Submission, SubmissionPorts } from './types.js';

/** Reads DATA into memory up to the size cap; the rest is drained so the session stays in sync. */
export function collect(stream: SMTPServerDataStream, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => {
      if (stream.sizeExceeded || size > max) reject(new GatewayError('MESSAGE_TOO_BIG', { max }));
      else resolve(Buffer.concat(chunks, size));
    });
  });
}

/**
 * The DATA phase, as a table of contents: refuse what is malformed or forged, complete the
 * header, then hand over to the policy and the queue.
 */
export async function onData(
  stream: SMTPServerDataStream,
  session: Session,
  config: Config,
  ports: SubmissionPorts,
): Promise<string> {
  const raw = await collect(stream, config.submission.maxMessageBytes);
  const user = session.user!;
  refuseSmuggling(raw);
  refuseLongLines(raw, config.submission.maxLineLength);
  const facts = readFacts(raw);
  try {
    checkHeaderSenders(user, facts.from, facts.sender);
  } catch (err) {
    reportRefusedSender(err, user, session, ports);
    throw err;
  }
  const receivedAt = new Date();
  const messageId = facts.messageId ?? `<${session.id}.${receivedAt.getTime()}@${config.hostname}>`;
  const added = addedHeaders(session, config, receivedAt, facts.messageId ? null : messageId, !facts.hasDate);
  const submission: Submission = {
    sessionId: session.id,
    account: user.address,
    ip: session.remoteAddress,
    mailFrom: (session.envelope.mailFrom && session.envelope.mailFrom.address.toLowerCase()) || '',
    rcpts: session.envelope.rcptTo.map((r) => r.address),
    raw: Buffer.concat([added, raw]),
    messageId,
    headerFrom: facts.from[0],
    subject: facts.subject,
    bodyHash: facts.bodyHash,
    client: facts.client,
    receivedAt,
  };
  const { queueId, held } = await ports.submit(submission);
  // A held message got "250" too: it is kept, not lost, and telling the sender would tip off an attacker.
  void held;
  return `2.0.0 Ok: queued as ${queueId}`;
}

function refuseSmuggling(raw: Buffer): void {
  if (findSmuggling(raw) !== -1) throw new GatewayError('SMUGGLING');
}

function refuseLongLines(raw: Buffer, max: number): void {
  if (longestLine(raw) > max) throw new GatewayError('LINE_TOO_LONG', { max });
}

/** Received (RFC 5321 §4.4) always; Message-ID and Date (RFC 5322 §3.6) when the client left them out. */
function addedHeaders(session: Session, config: Config, at: Date, messageId: string | null, addDate: boolean): Buffer {
  const client = config.submission.receivedIncludesClientIp
    ? `${session.clientHostname || 'unknown'} [${session.remoteAddress}]`
    : 'authenticated client';
  const proto = session.secure ? 'ESMTPSA' : 'ESMTPA';
  const lines = [
    `Received: from ${sanitize(session.hostNameAppearsAs || 'unknown')} (${client})\r\n\tby ${config.hostname} (Mailwarden) with ${proto} id ${session.id};\r\n\t${at.toUTCString().replace('GMT', '+0000')}`,
  ];
  if (messageId) lines.push(`Message-ID: ${messageId}`);
  if (addDate) lines.push(`Date: ${at.toUTCString().replace('GMT', '+0000')}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8');
}

function sanitize(value: string): string {
  return value.replace(/[^\x21-\x7e]/g, '?').slice(0, 255);
}
