import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../../..');
const fixtures = 'test/fixtures/dmarc';

/** `src/cli/main.ts` when it runs itself when executed (the contract's entry), else the equivalent test entry. */
const entry = /process\.argv/.test(readFileSync(join(root, 'src/cli/main.ts'), 'utf8'))
  ? 'src/cli/main.ts'
  : 'test/unit/domain/cli-entry.ts';

function cli(args: string[], input?: string) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    input,
    encoding: 'utf8',
    env: { ...process.env, MAILWARDEN_LANG: 'en' },
    timeout: 60_000,
  });
  return { code: res.status, lines: res.stdout.split('\n').filter((l) => l !== ''), stderr: res.stderr };
}

describe('mailwarden dmarc parse (the DESIGN.md contract)', () => {
  it('prints exactly one JSON line per file, in order, with "file" as given', () => {
    const files = [`${fixtures}/yahoo.xml`, `${fixtures}/google.xml.gz`, `${fixtures}/microsoft.zip`, `${fixtures}/yahoo-email-gz.eml`];
    const { code, lines } = cli(['dmarc', 'parse', '--json', ...files]);
    expect(code).toBe(0);
    expect(lines.map((l) => JSON.parse(l).file)).toEqual(files);
    expect(lines[0]).toBe(
      `{"file":"${fixtures}/yahoo.xml","orgName":"Yahoo","reportId":"1767657600.512345",` +
        '"begin":"2026-01-05T00:00:00Z","end":"2026-01-05T23:59:59Z",' +
        '"policy":{"domain":"example.co.jp","p":"reject","sp":"reject","pct":100,"adkim":"s","aspf":"r"},' +
        '"records":[{"sourceIp":"203.0.113.66","count":17,"disposition":"reject","dkim":"fail","spf":"fail",' +
        '"headerFrom":"example.co.jp","envelopeFrom":null,"reasons":[],' +
        '"authResults":{"dkim":[{"domain":"phish.example","selector":"default","result":"neutral"}],' +
        '"spf":[{"domain":"phish.example","scope":null,"result":"none"}]}}]}',
    );
    expect(JSON.parse(lines[3])).toEqual({ ...JSON.parse(lines[0]), file: files[3] });
  });

  it('gives {"file","error"} for bad inputs and goes on, still exiting 0', () => {
    const files = [`${fixtures}/hostile-xxe.xml`, 'does-not-exist.xml', `${fixtures}/hostile-zip-bomb-lying.zip`, `${fixtures}/mailru.xml`];
    const { code, lines } = cli(['dmarc', 'parse', ...files]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      `{"file":"${fixtures}/hostile-xxe.xml","error":"the report declares a DOCTYPE or ENTITY, which is not allowed (external or expanding entities)"}`,
    );
    expect(lines[1]).toBe('{"file":"does-not-exist.xml","error":"cannot read the file: ENOENT"}');
    expect(lines[2]).toBe(`{"file":"${fixtures}/hostile-zip-bomb-lying.zip","error":"the ZIP entry bomb.xml inflates to a different size than declared"}`);
    expect(JSON.parse(lines[3]).orgName).toBe('Mail.Ru');
  });

  it('reads stdin for "-"', () => {
    const xml = readFileSync(join(root, fixtures, 'google.xml'), 'utf8');
    const { code, lines } = cli(['dmarc', 'parse', '-'], xml);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ file: '-', orgName: 'google.com', reportId: '17052489357553443861' });
  });

  it('answers --help on stdout with exit 0, and refuses a call without files with exit 2', () => {
    const help = cli(['dmarc', 'parse', '--help']);
    expect(help.code).toBe(0);
    expect(help.lines[0]).toMatch(/^Usage:/);
    const none = cli(['dmarc', 'parse']);
    expect(none.code).toBe(2);
    expect(none.lines).toEqual([]);
    expect(none.stderr).toMatch(/No input files/);
  });
});
