// The language of the desk (Vietnamese by default, English), switched at once and remembered.
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation('common');
  return (
    <label className="language-switch">
      <span>{t('language')}</span>
      <select data-testid="language" value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`languages.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
