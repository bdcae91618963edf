/**
 * A few weeks of ordinary sending for one account, fed straight into a running gateway's
 * detection engine (the same events the gateway would have recorded), so live attack tests
 * start from an account with a history, as in a real deployment.
 */
import type { LivePolicy } from '../../src/incidents/live-policy.js';

export interface HistoryOptions {
  account: string;
  ip: string;
  client: string;
  days: number;
  contacts: string[];
}

export function feedHistory(policy: LivePolicy, o: HistoryOptions): void {
  const now = Date.now();
  let n = 0;
  for (let d = o.days; d >= 1; d--) {
    const day = new Date(now - d * 86_400_000);
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    day.setUTCHours(0, 0, 0, 0);
    const login = new Date(day.getTime() + 8.5 * 3_600_000).toISOString();
    policy.observe({ ts: login, type: 'auth', account: o.account, ip: o.ip, ok: true });
    for (let i = 0; i < 8; i++) {
      const ts = new Date(day.getTime() + (9 + i) * 3_600_000 + (n % 50) * 1000).toISOString();
      const rcpts = [o.contacts[(n * 7 + i) % o.contacts.length], ...(i % 3 === 0 ? [o.contacts[(n + 3) % o.contacts.length]] : [])];
      policy.observe({
        ts, type: 'submit', account: o.account, ip: o.ip, messageId: `<hist-${n}@example.co.jp>`, mailFrom: o.account, headerFrom: o.account,
        rcpts, size: 4000 + (n % 7) * 300, subject: `Re: 打ち合わせ ${n}`, bodyHash: `h${n}`, client: o.client,
      });
      n++;
    }
  }
}
