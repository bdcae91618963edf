import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { say, type Text } from '../core/i18n.js';
import { configSchema, type Config } from './index.js';

/** A config problem a person can fix: which key, what it holds, what to do. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

const texts = {
  unreadable: {
    en: 'Cannot read the config file {path}: {error}. Run "mailwarden init" to create one, or pass --config FILE.',
    ja: '設定ファイル {path} を読めません: {error}。"mailwarden init" で作成するか、--config FILE で指定してください。',
  },
  badYaml: {
    en: 'The config file {path} is not valid YAML: {error}. Fix the syntax at the line shown.',
    ja: '設定ファイル {path} は YAML として正しくありません: {error}。示された行の書式を直してください。',
  },
  badKey: {
    en: 'config key "{key}": {problem} (value: {value}). Fix: {fix}',
    ja: '設定キー「{key}」: {problem} (値: {value})。対処: {fix}',
  },
  fixGeneric: { en: 'set it as described in docs/config.md, or remove it to use the default.', ja: 'docs/config.md の説明どおりに設定するか、削除して既定値を使ってください。' },
  fixUnknown: { en: 'remove it, or check its spelling against docs/config.md.', ja: '削除するか、docs/config.md と綴りを照らし合わせてください。' },
} satisfies Record<string, Text>;

/** Secrets never need to sit in the file: these environment variables override their keys. */
export const envOverrides: Record<string, string[]> = {
  MAILWARDEN_STORE: ['store'],
  MAILWARDEN_SMARTHOST_PASSWORD: ['delivery', 'smarthost', 'password'],
  MAILWARDEN_BOUNCE_SECRET: ['bounces', 'secret'],
  MAILWARDEN_APP_PASSWORD_SECRET: ['auth', 'appPasswordSecret'],
  MAILWARDEN_REDIS_URL: ['redis', 'url'],
  MAILWARDEN_IMAP_PASSWORD: ['bounces', 'imap', 'password'],
  MAILWARDEN_WEBHOOK_SECRET: ['notifications', 'webhookSecret'],
};

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config & { configDir: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([say(texts.unreadable, { path, error: (err as Error).message })]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError([say(texts.badYaml, { path, error: (err as Error).message })]);
  }
  return { ...parseConfig(doc, env), configDir: dirname(resolve(path)) };
}

export function parseConfig(doc: unknown, env: NodeJS.ProcessEnv = process.env): Config {
  const raw = applyEnv(structuredClone(doc ?? {}) as Record<string, unknown>, env);
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => describeIssue(i, raw)));
  return result.data;
}

function applyEnv(doc: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  for (const [name, path] of Object.entries(envOverrides)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    let node = doc;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return doc;
}

function describeIssue(issue: z.core.$ZodIssue, doc: unknown): string {
  const key = issue.path.join('.') || '(top level)';
  let value: unknown = doc;
  for (const k of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  if (unknownKeys.length > 0) {
    const prefix = issue.path.length ? `${key}.` : '';
    return unknownKeys
      .map((k) => say(texts.badKey, { key: prefix + k, problem: 'unknown key', value: JSON.stringify((value as Record<string, unknown>)?.[k]), fix: say(texts.fixUnknown) }))
      .join('\n');
  }
  return say(texts.badKey, {
    key,
    problem: issue.message,
    value: value === undefined ? '(missing)' : JSON.stringify(value),
    fix: say(texts.fixGeneric),
  });
}

/** Paths in the config are relative to the config file's directory. */
export function resolvePath(config: { configDir: string }, p: string): string {
  return isAbsolute(p) ? p : resolve(config.configDir, p);
}
