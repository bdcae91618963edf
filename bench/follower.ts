/**
 * What following the event record costs a cluster node (`RecordFollower`, used by peer learning
 * and the decision follower): each poll re-reads the last 10 seconds of the record so that a late
 * commit on PostgreSQL is not skipped (`EventCursor`). This fills a 10-second window at a given
 * cluster-wide rate of recorded engine inputs (a submission records about three: login,
 * acceptance, delivery), then times polls of a follower that has already seen them all: the
 * steady cost of each poll, twice a second.
 *   node --import tsx bench/follower.ts [--rates 100,300,1000]   (needs PostgreSQL, see test/contract)
 * Prints one JSON line per rate: rows re-read per poll, milliseconds per poll, and the share of
 * one core that two polls a second take.
 */
import { parseArgs } from 'node:util';
import { LEARNT_CODES } from '../src/cluster/peer-learning.js';
import { RecordFollower } from '../src/storage/event-cursor.js';
import { postgresUnavailable, TestSchemas } from '../test/contract/postgres-schema.js';

const { values } = parseArgs({ options: { rates: { type: 'string', default: '100,300,1000' } } });
const why = await postgresUnavailable();
if (why) {
  console.error(`follower bench needs PostgreSQL: ${why}`);
  process.exit(1);
}
const schemas = new TestSchemas();
try {
  for (const rate of values.rates.split(',').map(Number)) {
    const store = await schemas.open();
    let seen = 0;
    const follower = new RecordFollower((q) => store.events.query(q), LEARNT_CODES, () => void seen++, (err) => { throw err; }, 60_000);
    await follower.start();
    const now = Date.now();
    const n = rate * 10;
    const codes = ['smtp:auth-ok', 'queue:accepted', 'queue:accepted', 'delivery:failed'];
    for (let i = 0; i < n; i++) {
      const ts = new Date(now - 9_000 + Math.floor((i * 9_000) / n)).toISOString();
      const account = `user${i % 500}@example.co.jp`;
      await store.events.append({ ts, code: codes[i % 4], account, data: { node: 'b', seq: i, type: 'submit', account, ip: '192.0.2.10', messageId: `<m${i}@example.co.jp>`, rcpts: ['a@customer.example', 'b@customer.example'], subject: '見積書の送付', bodyHash: '9f2c1ab37d40aa11', client: 'Microsoft Outlook 16.0', size: 5230, verdict: 'accept', score: 3, reasons: [] } });
    }
    await follower.poll();
    const polls = 10;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < polls; i++) await follower.poll();
    const ms = (performance.now() - t0) / polls;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / polls;
    follower.stop();
    await store.close();
    console.log(JSON.stringify({ eventsPerSecond: rate, rowsPerPoll: n, learnt: seen, msPerPoll: Math.round(ms * 10) / 10, cpuMsPerPoll: Math.round(cpuMs * 10) / 10, shareOfCoreAt2PollsPerSecond: Math.round((cpuMs * 2) / 10) / 100 }));
  }
} finally {
  await schemas.dropAll();
}
