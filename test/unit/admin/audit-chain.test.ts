import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditCsv, recordAudit, verifyAuditChain } from '../../../src/admin/audit.js';
import { auditEntryHash } from '../../../src/storage/ports/audit.js';
import type { Store } from '../../../src/storage/ports/index.js';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';

describe('audit chain verification', () => {
  let dir: string;
  let store: Store;
  let raw: Database.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mw-audit-'));
    store = openSqliteStore(join(dir, 'db'));
    for (let i = 1; i <= 5; i++) await recordAudit(store.audit, { actor: 'admin:sato', action: 'account.restrict', target: `u${i}@example.jp`, reason: `r${i}` });
    raw = new Database(join(dir, 'db'));
  });
  afterEach(async () => {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an untouched chain verifies and reports its head', async () => {
    const r = await verifyAuditChain(store.audit);
    expect(r).toMatchObject({ ok: true, entries: 5 });
    expect(r.head).toBe((await store.audit.query({ newestFirst: true, limit: 1 }))[0].hash);
  });

  it('an edited reason is reported as a change of that entry', async () => {
    raw.prepare(`UPDATE audit SET reason = 'routine' WHERE seq = 3`).run();
    expect(await verifyAuditChain(store.audit)).toMatchObject({ ok: false, entries: 2, problem: { kind: 'changed', seq: 3 } });
  });

  it('an edit with a recomputed hash is still caught by the next entry\'s link', async () => {
    const e = (await store.audit.query({ afterSeq: 2, limit: 1 }))[0];
    const forged = { ...e, reason: 'routine' };
    const hash = auditEntryHash(e.prevHash, { seq: forged.seq, ts: forged.ts, actor: forged.actor, action: forged.action, target: forged.target, reason: forged.reason, data: forged.data });
    raw.prepare(`UPDATE audit SET reason = 'routine', hash = ? WHERE seq = 3`).run(hash);
    expect(await verifyAuditChain(store.audit)).toMatchObject({ ok: false, problem: { kind: 'relinked', seq: 4 } });
  });

  it('a deleted entry is reported by its number', async () => {
    raw.prepare('DELETE FROM audit WHERE seq = 2').run();
    expect(await verifyAuditChain(store.audit)).toMatchObject({ ok: false, entries: 1, problem: { kind: 'deleted', seq: 2 } });
  });

  it('an entry inserted with a valid hash of its own is reported as inserted', async () => {
    // Renumber 4..5 upward to make room, as someone slipping an entry in would have to.
    raw.prepare('UPDATE audit SET seq = seq + 10 WHERE seq >= 4').run();
    raw.prepare('UPDATE audit SET seq = seq - 9 WHERE seq >= 14').run();
    const prev = (await store.audit.query({ afterSeq: 2, limit: 1 }))[0];
    const fake = { seq: 4, ts: prev.ts, actor: 'admin:sato', action: 'account.release', target: 'x@example.jp', reason: 'ok', data: {} };
    const hash = auditEntryHash(prev.hash, fake);
    raw.prepare('INSERT INTO audit (seq, ts, actor, action, target, reason, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(4, fake.ts, fake.actor, fake.action, fake.target, fake.reason, '{}', prev.hash, hash);
    expect(await verifyAuditChain(store.audit)).toMatchObject({ ok: false, problem: { kind: 'inserted', seq: 4 } });
  });

  it('CSV export quotes fields and defuses spreadsheet formulas', async () => {
    const e = await recordAudit(store.audit, { actor: 'admin:sato', action: 'account.restrict', target: '=HYPERLINK("x")', reason: 'a, "b"' });
    const csv = auditCsv([e]);
    expect(csv.split('\r\n')[0]).toBe('seq,ts,actor,action,target,reason,data,prevHash,hash');
    expect(csv).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"a, ""b"""');
  });
});
