/**
 * The attacker of the incident: a leaked password, a list of harvested addresses (30% of them
 * invalid), and parallel sessions through the PROXY protocol so the gateway sees the
 * attacker's address. Used by the live attack tests and by `npm run demo`.
 */
import { proxiedTransport } from './proxied-client.js';

export const SPAM_SUBJECT = 'Invoice overdue - pay now';

export function spamMessage(from: string, i: number, invalidShare = 0.3) {
  const invalid = (i % 10) < invalidShare * 10;
  return {
    from,
    to: invalid ? `invalid${i}@victims${i % 40}.example` : `person${i}@victims${i % 40}.example`,
    subject: SPAM_SUBJECT,
    text: 'Please open the attached link to pay your invoice: http://phish.example/pay',
  };
}

export interface BlastResult {
  accepted: number;
  attempted: number;
  refusedAt: number | null;
}

/**
 * Sends `count` messages at `perSecond` over `lanes` parallel sessions (an attacker does not wait
 * for one message before the next). A lane keeps going through "try later" (451) and stops one
 * second after a permanent refusal or a cut session.
 */
export async function blast(o: { port: number; ip: string; user: string; pass: string; count: number; perSecond: number; client?: string; lanes?: number }): Promise<BlastResult> {
  const lanes = o.lanes ?? 4;
  const result: BlastResult = { accepted: 0, attempted: 0, refusedAt: null };
  const firstAt = Date.now();
  const lane = async (l: number) => {
    const t = proxiedTransport(o.port, o.ip, { user: o.user, pass: o.pass });
    for (let i = l; i < o.count; i += lanes) {
      const due = firstAt + (i * 1000) / o.perSecond;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      result.attempted++;
      const headers = o.client ? { 'X-Mailer': o.client } : {};
      const code = await t.sendMail({ ...spamMessage(o.user, i), headers }).then(() => 250, (e: { responseCode?: number }) => e.responseCode ?? 0);
      if (code === 250) result.accepted++;
      if (code !== 250 && code !== 451) result.refusedAt ??= Date.now();
      if (result.refusedAt && Date.now() - result.refusedAt > 1000) break;
    }
    t.close();
  };
  await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
  return result;
}
