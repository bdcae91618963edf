import { say, type Text } from '../core/i18n.js';

const texts = {
  noTty: {
    en: 'No terminal to ask for the password. Pipe it in with --password-stdin (passwords are never taken on the command line).',
    ja: 'パスワードを尋ねる端末がありません。--password-stdin で標準入力から渡してください (パスワードはコマンドラインでは受け付けません)。',
  },
  prompt: { en: 'New password: ', ja: '新しいパスワード: ' },
  again: { en: 'Repeat the password: ', ja: 'もう一度入力してください: ' },
  mismatch: { en: 'The two passwords differ.', ja: '2 回の入力が一致しません。' },
} satisfies Record<string, Text>;

export class PasswordInputError extends Error {}

export async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A password from stdin (first line) or from an interactive prompt without echo. */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await readAllStdin()).replace(/\r?\n$/, '');
  if (!process.stdin.isTTY) throw new PasswordInputError(say(texts.noTty));
  const first = await promptHidden(say(texts.prompt));
  const second = await promptHidden(say(texts.again));
  if (first !== second) throw new PasswordInputError(say(texts.mismatch));
  return first;
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    process.stderr.write(prompt);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') process.exit(130);
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}
