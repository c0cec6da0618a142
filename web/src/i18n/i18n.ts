import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import nb from './nb.json';

/** Bokmål first (the law's language for the plan), English second; the choice is kept per browser. */
export const LANGUAGES = { nb: 'Norsk bokmål', en: 'English' } as const;
export type Language = keyof typeof LANGUAGES;

const saved = localStorage.getItem('samplan.language');
const language: Language = saved === 'en' || saved === 'nb' ? saved : 'nb';

void i18next.use(initReactI18next).init({
  resources: { nb: { translation: nb }, en: { translation: en } },
  lng: language,
  fallbackLng: 'nb',
  interpolation: { escapeValue: false }, // React escapes
});
document.documentElement.lang = language;

export function setLanguage(next: Language): void {
  localStorage.setItem('samplan.language', next);
  document.documentElement.lang = next;
  void i18next.changeLanguage(next);
}

/** A time in Europe/Oslo, as the plan's deadlines are counted, in the page's language. */
export function osloTime(iso: string): string {
  return new Intl.DateTimeFormat(i18next.language === 'en' ? 'en-GB' : 'nb-NO', { timeZone: 'Europe/Oslo', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
