/**
 * What the engine does to honest people who move about (see `bench/moving-office.ts`):
 *   node --import tsx bench/moving.ts [--accounts 150] [--days 28] [--seed 1] [--geo] [--patient]
 * Prints, per kind of person, submissions and how many were deferred, held or rejected, then the
 * accounts restricted or put on watch (none is under attack); with --patient, first the patient
 * attacks: messages accepted and submitted before the account was restricted.
 */
import { parseArgs } from 'node:util';
import { movingOffice } from './moving-office.js';

const { values } = parseArgs({ options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, geo: { type: 'boolean' }, patient: { type: 'boolean' } } });
const options = { accounts: Number(values.accounts ?? 150), days: Number(values.days ?? 28), seed: Number(values.seed ?? 1), geo: values.geo === true, patient: values.patient === true };
const r = movingOffice(options);
console.log(`moving office: ${options.accounts} accounts, ${Math.max(28, options.days)} days, seed ${options.seed}${options.geo ? ', with GeoIP fields' : ', no GeoIP fields'}; ${r.events} events`);
if (r.attacks.length) {
  console.log('\nattack            msgs  accepted  restricted-after');
  for (const a of r.attacks) console.log(`${a.kind.padEnd(16)} ${String(a.messages).padStart(5)}  ${String(a.accepted).padStart(8)}  ${String(a.restrictedAfter ?? 'never').padStart(16)}`);
}
console.log('\nkind         submits  deferred  held  rejected');
for (const k of r.kinds) console.log(`${k.kind.padEnd(11)} ${String(k.submits).padStart(8)}  ${String(k.deferred).padStart(8)}  ${String(k.held).padStart(4)}  ${String(k.rejected).padStart(8)}`);
const all = r.kinds.reduce((n, k) => n + k.submits, 0);
const bad = r.kinds.reduce((n, k) => n + k.deferred + k.held + k.rejected, 0);
console.log(`\nall: ${all} submissions, ${bad} deferred, held or rejected (${((bad / Math.max(1, all)) * 10_000).toFixed(2)} per 10,000)`);
console.log(`restricted: ${r.restricted.join(', ') || 'none'}\non watch: ${r.watched.join(', ') || 'none'}\nnamed in an alert for accounts at one new place: ${r.placeAlerted.join(', ') || 'none'}`);
