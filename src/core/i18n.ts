/**
 * Every text a person reads exists in Japanese and English. A message is a pair;
 * `say` picks the language of the reader (config, MAILWARDEN_LANG, then LANG).
 */
export type Lang = 'en' | 'ja';

export interface Text {
  en: string;
  ja: string;
}

let current: Lang | undefined;

export function setLang(lang: Lang): void {
  current = lang;
}

export function detectLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const raw = env.MAILWARDEN_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return raw.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function lang(): Lang {
  return current ?? detectLang();
}

/** Fills `{name}` placeholders in the text of the chosen language. */
export function say(text: Text, params: Record<string, string | number> = {}, in_: Lang = lang()): string {
  return fill(text[in_], params);
}

/** Both languages on one line each, for texts that may be read by anyone (alert mails, SMTP replies). */
export function sayBoth(text: Text, params: Record<string, string | number> = {}): string {
  return `${fill(text.en, params)}\n${fill(text.ja, params)}`;
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
