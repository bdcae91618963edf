/**
 * The detection targets on an office written apart from the simulator (see
 * `bench/independent-office.ts` for the office and its attacks):
 *   node --import tsx bench/independent.ts [--accounts 200] [--days 14] [--seed 1] [--geo]
 * Prints, per attack, messages accepted and how many the latest of its victims submitted before it
 * was restricted; then what happened to the honest mail.
 */
import { parseArgs } from 'node:util';
import { independentOffice } from './independent-office.js';

const { values } = parseArgs({ options: { accounts: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, geo: { type: 'boolean' } } });
const options = { accounts: Number(values.accounts ?? 200), days: Number(values.days ?? 14), seed: Number(values.seed ?? 1), geo: values.geo === true };
const r = independentOffice(options);

console.log(`independent office: ${options.accounts} accounts, ${Math.max(4, options.days)} days, seed ${options.seed}${options.geo ? ', with GeoIP fields' : ', no GeoIP fields'}; ${r.events} events`);
console.log('\nattack           msgs  accepted  restricted-after (the latest victim)');
for (const a of r.attacks) console.log(`${a.kind.padEnd(16)} ${String(a.messages).padStart(5)}  ${String(a.accepted).padStart(8)}  ${String(a.restrictedAfter ?? 'never').padStart(16)}`);
const h = r.honest;
const bad = h.deferred + h.held + h.rejected;
console.log(`\nhonest: ${h.submits} submissions, ${h.deferred} deferred, ${h.held} held, ${h.rejected} rejected (${((bad / Math.max(1, h.submits)) * 10_000).toFixed(2)} per 10,000)`);
console.log(`accounts restricted without attack: ${r.falselyRestricted.length ? r.falselyRestricted.join(', ') : 'none'}; put on watch: ${r.watched.length ? r.watched.join(', ') : 'none'}; named in an alert for accounts at one new place: ${r.placeAlerted.length ? r.placeAlerted.join(', ') : 'none'}`);
