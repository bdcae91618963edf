/**
 * Delivery of one message's recipients at one destination: take a connection slot, reach a
 * hop, and run one SMTP transaction per envelope sender (per-recipient return paths share
 * the connection), collecting a result for every recipient.
 */
import type { NodemailerError } from 'nodemailer/lib/errors.js';
import type { SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection/index.js';
import { classifyError, classifyReply, isTlsFailure, type Classified } from './classify.js';
import type { DeliveryConfig } from './config.js';
import type { ConnectionPool } from './pool.js';
import type { NextHop, Route } from './route.js';
import { closeSession, openSession, resetSession, sendMail, type Session } from './session.js';

export interface UnitRecipient {
  index: number;
  address: string;
  returnPath: string;
}

export interface RecipientResult extends Classified {
  index: number;
  address: string;
  /** "mx.example.net [192.0.2.1]:25", null when no hop was reached. */
  hop: string | null;
  hopName: string | null;
  tls: string | null;
}

export interface DestinationJob {
  key: string;
  route: Route;
  raw: Buffer;
  rcpts: UnitRecipient[];
}

const describeHop = (h: NextHop) => (h.name === h.address ? `${h.address}:${h.port}` : `${h.name} [${h.address}]:${h.port}`);

function resultsFor(rcpts: UnitRecipient[], c: Classified, session: Session | null): RecipientResult[] {
  return rcpts.map((r) => ({
    ...c,
    index: r.index,
    address: r.address,
    hop: session ? describeHop(session.hop) : null,
    hopName: session ? session.hop.name : null,
    tls: session?.tls ?? null,
  }));
}

/**
 * Opportunistic TLS that fails in the handshake (broken certificates, old ciphers) is retried
 * once in clear, as MTAs do (RFC 7435 §4: opportunistic security must not reduce deliverability).
 * A hop where TLS is required or implicit is never retried without it.
 */
async function openWithFallback(hop: NextHop, config: DeliveryConfig): Promise<Session> {
  try {
    return await openSession(hop, config);
  } catch (err) {
    if (hop.tls !== 'opportunistic' || !isTlsFailure(err as NodemailerError)) throw err;
    return openSession({ ...hop, tls: 'none' }, config);
  }
}

/** Tries the hops in order (RFC 5321 §5.1: the next MX when one is unreachable). */
async function connectAny(hops: NextHop[], config: DeliveryConfig, pool: ConnectionPool) {
  let last: Classified | null = null;
  for (const hop of hops) {
    try {
      const session = await openWithFallback(hop, config);
      pool.noteOpened();
      return { session };
    } catch (err) {
      const c = classifyError(err as NodemailerError);
      last = { ...c, reply: `${describeHop(hop)}: ${c.reply}` };
    }
  }
  return { error: last ?? classifyError(new Error('no next hop')) };
}

function groupByReturnPath(rcpts: UnitRecipient[]): UnitRecipient[][] {
  const groups = new Map<string, UnitRecipient[]>();
  for (const r of rcpts) {
    const g = groups.get(r.returnPath);
    if (g) g.push(r);
    else groups.set(r.returnPath, [r]);
  }
  return [...groups.values()];
}

function fromInfo(group: UnitRecipient[], info: SMTPConnectionSendInfo, session: Session): RecipientResult[] {
  const rejected = new Map<string, NodemailerError>();
  for (const e of info.rejectedErrors ?? []) if (e.recipient) rejected.set(e.recipient.toLowerCase(), e);
  return group.flatMap((r) => {
    const err = rejected.get(r.address.toLowerCase());
    const c = err ? classifyError(err) : classifyReply(info.response);
    return resultsFor([r], c, session);
  });
}

function fromError(group: UnitRecipient[], err: NodemailerError, session: Session): RecipientResult[] {
  // "all recipients were rejected" carries each recipient's own reply.
  if (err.rejectedErrors?.length) return fromInfo(group, { accepted: [], rejected: [], rejectedErrors: err.rejectedErrors, response: err.response ?? '' } as unknown as SMTPConnectionSendInfo, session);
  return resultsFor(group, classifyError(err), session);
}

async function sendGroup(session: Session, group: UnitRecipient[], raw: Buffer): Promise<RecipientResult[]> {
  const envelope = { from: group[0].returnPath, to: group.map((r) => r.address), size: raw.length };
  try {
    return fromInfo(group, await sendMail(session, envelope, raw), session);
  } catch (err) {
    return fromError(group, err as NodemailerError, session);
  }
}

function droppedWhileIdle(session: Session, sent: RecipientResult[]): boolean {
  return !session.alive && sent.every((r) => r.code === null && r.disposition === 'deferred');
}

/** Runs one destination job; never throws for SMTP or network failures (they become results). */
export async function deliverToDestination(job: DestinationJob, config: DeliveryConfig, pool: ConnectionPool): Promise<RecipientResult[]> {
  if (!job.route.ok) return resultsFor(job.rcpts, job.route.result, null);
  const slot = await pool.acquire(job.key);
  let session = slot.session;
  const results: RecipientResult[] = [];
  const groups = groupByReturnPath(job.rcpts);
  try {
    for (let i = 0; i < groups.length; i++) {
      // RSET between transactions on one connection (RFC 5321 §4.1.1.5), also after a rejection.
      if (session && i > 0) await resetSession(session);
      if (!session || !session.alive) {
        const opened = await connectAny(job.route.hops, config, pool);
        if (opened.error) {
          results.push(...resultsFor(groups.slice(i).flat(), opened.error, null));
          break;
        }
        if (session) closeSession(session);
        session = opened.session;
      }
      let sent = await sendGroup(session, groups[i], job.raw);
      if (i === 0 && session === slot.session && droppedWhileIdle(session, sent)) {
        // A reused connection the server closed while it sat idle: not the message's fault.
        closeSession(session);
        const opened = await connectAny(job.route.hops, config, pool);
        session = opened.session ?? null;
        if (opened.session) sent = await sendGroup(opened.session, groups[i], job.raw);
      }
      results.push(...sent);
    }
  } finally {
    await pool.release(job.key, session, !!session?.alive);
  }
  return results;
}
