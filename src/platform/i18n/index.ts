import { en } from './en';
import { ja, type MessageKey } from './ja';

export type { MessageKey };
export type Locale = 'ja' | 'en';
export const locales: readonly Locale[] = ['ja', 'en'];

const catalogues: Record<Locale, Record<MessageKey, string>> = { ja, en };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => {
    const text = catalogue[key];
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

export function isLocale(value: unknown): value is Locale {
  return value === 'ja' || value === 'en';
}

export function catalogueKeys(locale: Locale): string[] {
  return Object.keys(catalogues[locale]);
}

export function catalogueText(locale: Locale, key: MessageKey): string {
  return catalogues[locale][key];
}
