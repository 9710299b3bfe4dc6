// Translations of the desk: react-i18next with ICU MessageFormat (i18next-icu over
// intl-messageformat), so plurals, dates and numbers follow the language (vi-VN by default).
// Catalogs are JSON files, one per namespace and language, under ./locales/<lng>/<ns>.json:
// each desk and shared component owns its namespace ('documents', 'sign', 'viewer', …). Vietnamese
// is the default and the fallback; English is complete (tests/app/i18n-catalogs.test.ts fails on a
// key missing in either language or a message that does not parse). The choice is kept in
// localStorage and applied to <html lang>.
import i18next, { type i18n as I18n } from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';

export const LANGUAGES = ['vi', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Intl locale per language: dates, numbers and collation in Vietnamese use vi-VN. */
export const LOCALE: Record<Language, string> = { vi: 'vi-VN', en: 'en-GB' };
const STORAGE_KEY = 'vanthu.language';

type Catalog = Record<string, unknown>;
const files = import.meta.glob<Catalog>('./locales/*/*.json', { eager: true, import: 'default' });

/** { vi: { documents: {...}, … }, en: {...} } from the JSON files. */
export function catalogs(): Record<Language, Record<string, Catalog>> {
  const out = { vi: {}, en: {} } as Record<Language, Record<string, Catalog>>;
  for (const [file, data] of Object.entries(files)) {
    const m = /\.\/locales\/([a-z]+)\/([\w-]+)\.json$/.exec(file);
    if (!m || !(LANGUAGES as readonly string[]).includes(m[1])) continue;
    out[m[1] as Language][m[2]] = data;
  }
  return out;
}

export function storedLanguage(): Language {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

let instance: I18n | null = null;

/** The app's i18next instance, initialised once (synchronously: the catalogs are bundled). */
export function i18n(lng: Language = storedLanguage()): I18n {
  if (instance) return instance;
  const resources = catalogs();
  const inst = i18next.createInstance();
  void inst
    .use(ICU)
    .use(initReactI18next)
    .init({
      resources,
      lng,
      fallbackLng: 'vi',
      supportedLngs: [...LANGUAGES],
      ns: Object.keys(resources.vi),
      defaultNS: 'common',
      interpolation: { escapeValue: false }, // React escapes; nothing is ever rendered as HTML
      returnNull: false,
      initImmediate: false,
      react: { useSuspense: false },
    } as Parameters<I18n['init']>[0]);
  const apply = (l: string) => {
    if (typeof document !== 'undefined') document.documentElement.lang = l;
  };
  apply(inst.language);
  inst.on('languageChanged', (l) => {
    apply(l);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, l);
    } catch {
      /* private mode: the choice lasts for the session */
    }
  });
  instance = inst;
  return inst;
}

/** Intl locale of the current language (for Intl.DateTimeFormat, toLocaleString…). */
export function currentLocale(): string {
  return LOCALE[(instance?.language as Language) ?? 'vi'] ?? LOCALE.vi;
}

/** A date/time as the desk shows it: dd/MM/yyyy HH:mm in Vietnamese, Vietnam's time zone. */
export function formatDateTime(iso: string | Date | null | undefined, opts: Intl.DateTimeFormatOptions = {}): string {
  if (!iso) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh', ...opts }).format(d);
}

/** A message of src-shared (verification findings, errors carry both languages) in the current language. */
export function pick(m: { message_vi?: string; message_en?: string } | null | undefined, vi?: string, en?: string): string {
  const lang = (instance?.language as Language) ?? 'vi';
  if (m) return (lang === 'en' ? m.message_en || m.message_vi : m.message_vi || m.message_en) ?? '';
  return (lang === 'en' ? en || vi : vi || en) ?? '';
}
