// The language of the desk (Vietnamese by default, English), switched at once and remembered:
// in this browser (localStorage, read before the first paint) and in the profile (settings.set),
// so a new launch address — another origin in host mode — keeps it too.
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../i18n';
import { vanthu } from './vanthu';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation('common');
  return (
    <label className="language-switch">
      <span>{t('language')}</span>
      <select data-testid="language" value={i18n.language} onChange={(e) => {
        const l = e.target.value as Language;
        void i18n.changeLanguage(l);
        vanthu.settings?.set({ language: l }).catch(() => undefined); // the page's choice stands even if the profile cannot keep it
      }}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`languages.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
