import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMailFast } from '../../../src/bounces/parse/mime-fast.js';
import { readMailFull } from '../../../src/bounces/parse/mime-full.js';
import type { MailView } from '../../../src/bounces/parse/types.js';

const dir = fileURLToPath(new URL('../../fixtures/bounces/', import.meta.url));
const fixtures: string[] = [];
const walk = (sub: string): void => {
  for (const name of readdirSync(dir + sub).sort()) {
    if (statSync(dir + sub + name).isDirectory()) walk(`${sub}${name}/`);
    else fixtures.push(sub + name);
  }
};
walk('');

/** Date falls back to "now" when unreadable, and mailparser's Priority/List-* fields are not read. */
function comparable(view: MailView): MailView {
  const headers = new Map([...view.headers].filter(([k]) => k !== 'date' && k !== 'priority' && k !== 'list'));
  return { ...view, headers };
}

async function outcome(read: (raw: Buffer) => Promise<MailView | undefined>, raw: Buffer) {
  try {
    const view = await read(raw);
    return view ? { view: comparable(view) } : { view: undefined };
  } catch (err) {
    return { error: String(err) };
  }
}

describe('the fast MIME reader', () => {
  it.each(fixtures)('reads %s itself, into the same view as mailparser', async (name) => {
    const raw = readFileSync(dir + name);
    const fast = await outcome(readMailFast, raw);
    expect(fast.view ?? fast.error, 'the fast reader left it to mailparser').toBeDefined();
    expect(fast).toEqual(await outcome(readMailFull, raw));
  });

  it('leaves a notice whose HTML part mailparser would convert to text to the full reader', async () => {
    const raw = Buffer.from(
      'From: MAILER-DAEMON@example.net\r\nTo: a@example.jp\r\nSubject: Undeliverable\r\n' +
        'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Delivery to <b>x@example.net</b> failed</p>\r\n',
    );
    expect(await readMailFast(raw)).toBeUndefined();
  });

  it('decodes an ISO-2022-JP text part and a quoted-printable Shift_JIS part as mailparser does', async () => {
    const jis = Buffer.concat([Buffer.from('\x1b$B'), Buffer.from('4>Cx', 'latin1'), Buffer.from('\x1b(B\r\n')]);
    const raw = Buffer.concat([
      Buffer.from(
        'From: postmaster@example.jp\r\nTo: a@example.jp\r\nSubject: =?ISO-2022-JP?B?GyRCRy5BdxsoQg==?=\r\n' +
          'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n',
      ),
      jis,
      Buffer.from('--b\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=88=B6=90=E6\r\n--b--\r\n'),
    ]);
    const fast = await readMailFast(raw);
    expect(fast).toBeDefined();
    expect(comparable(fast!)).toEqual(comparable(await readMailFull(raw)));
  });

  it.each([
    'a@example.net',
    '<bounces+tok=1@bounces.example.co.jp>',
    'Mail Delivery System <MAILER-DAEMON@mx.example.net>',
    '"Suzuki, Taro" <s@example.jp>',
    'John  Smith <j@example.com>, x@example.org',
    '=?UTF-8?B?44Od44K544OI44Oe44K544K/44O8?= <postmaster@example.jp>',
    'undisclosed-recipients:;',
  ])('formats the address header %s as mailparser does', async (value) => {
    const raw = Buffer.from(`From: ${value}\r\nTo: ${value}\r\nSubject: x\r\n\r\nbody\r\n`);
    expect(comparable((await readMailFast(raw))!)).toEqual(comparable(await readMailFull(raw)));
  });
});
