import { createContext, useContext } from 'react';
import type { Text } from './api.js';
import { texts, type TextKey } from './texts.js';

export type Lang = 'en' | 'ja';

/** The browser's preference decides at first; the choice made in the console is remembered. */
export function initialLang(): Lang {
  const saved = localStorage.getItem('mw-lang');
  if (saved === 'en' || saved === 'ja') return saved;
  return (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export const LangContext = createContext<{ lang: Lang; setLang: (l: Lang) => void }>({ lang: 'en', setLang: () => undefined });

export function useT() {
  const { lang } = useContext(LangContext);
  const t = (key: TextKey, params: Record<string, string | number> = {}): string =>
    texts[key][lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
  const pick = (text: Text | undefined): string => (text ? text[lang] : '');
  const time = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB') : '—');
  return { t, pick, time, lang };
}
