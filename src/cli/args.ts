import { parseArgs, type ParseArgsConfig } from 'node:util';
import { say, type Text } from '../core/i18n.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

const badArgs: Text = {
  en: '{error}\nRun with --help to see the accepted options.',
  ja: '{error}\n使えるオプションは --help で確認できます。',
};

/**
 * Parses a command's arguments. Returns null after printing help (exit 0) or an error (exit 2);
 * `exitCode` tells the caller which.
 */
export function parseCommand(
  args: string[],
  options: Options,
  help: Text,
): { parsed: Parsed } | { exitCode: number } {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${say(help)}\n`);
    return { exitCode: 0 };
  }
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { parsed: { values: values as Parsed['values'], positionals } };
  } catch (err) {
    process.stderr.write(`${say(badArgs, { error: (err as Error).message })}\n`);
    return { exitCode: 2 };
  }
}

/** Writes one JSON object as one line on stdout (the machine-readable contracts use this only). */
export function printJsonLine(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

export function fail(text: Text, params: Record<string, string | number> = {}, code = 1): number {
  process.stderr.write(`${say(text, params)}\n`);
  return code;
}
