import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { say, type Text } from '../core/i18n.js';
import { endQuietlyWhenReaderLeaves } from './stdout.js';

/**
 * One file per command group; each exports `run(args): Promise<exit code>` and a one-line `summary`.
 * Groups are loaded on demand so that `mailwarden bounce parse` does not open the store or the TLS stack.
 */
const groups: Record<string, () => Promise<CommandGroup>> = {
  init: () => import('./init.js'),
  start: () => import('./start.js'),
  config: () => import('./config.js'),
  user: () => import('./user.js'),
  queue: () => import('./queue.js'),
  events: () => import('./events.js'),
  incidents: () => import('./incidents.js'),
  account: () => import('./account.js'),
  password: () => import('./password.js'),
  'app-password': () => import('./app-password.js'),
  bounce: () => import('./bounce.js'),
  dkim: () => import('./dkim.js'),
  domain: () => import('./domain.js'),
  dmarc: () => import('./dmarc.js'),
  // From its bundle when there is one (`src/cli/replay-bundle.ts`): the same code, started sooner.
  replay: async () => (await import('./replay-bundle.js')).bundledReplay()?.group ?? import('./replay.js'),
  backup: () => import('./backup.js'),
  simulate: () => import('./simulate.js'),
  admin: () => import('./admin.js'),
  audit: () => import('./audit.js'),
  suppression: () => import('./suppression.js'),
  bans: () => import('./bans.js'),
};

export interface CommandGroup {
  run(args: string[]): Promise<number>;
  summary: Text;
}

const usage: Text = {
  en: 'Usage: mailwarden <command> [options]   (mailwarden <command> --help for details)\n\nCommands:',
  ja: '使い方: mailwarden <コマンド> [オプション]   (詳しくは mailwarden <コマンド> --help)\n\nコマンド:',
};

const unknown: Text = {
  en: 'Unknown command "{name}". Run "mailwarden --help" for the list of commands.',
  ja: '不明なコマンド「{name}」です。コマンド一覧は "mailwarden --help" で確認できます。',
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== 'start') endQuietlyWhenReaderLeaves();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await printUsage();
    return 0;
  }
  const load = groups[name];
  if (!load) {
    process.stderr.write(`${say(unknown, { name })}\n`);
    return 2;
  }
  let group: CommandGroup;
  try {
    group = await load();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`/cli/${name}.`)) {
      process.stderr.write(`${say(unknown, { name })}\n`);
      return 2;
    }
    throw err;
  }
  return group.run(rest);
}

async function printUsage(): Promise<void> {
  const lines = [say(usage)];
  for (const [name, load] of Object.entries(groups)) {
    try {
      const g = await load();
      lines.push(`  ${name.padEnd(14)} ${say(g.summary)}`);
    } catch {
      // a command group that is not part of this build is left out of the list
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Run directly (`node --import tsx src/cli/main.ts ...`, as tests do) rather than through bin/. */
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err?.stack ?? err}\n`);
      process.exitCode = 2;
    },
  );
}
