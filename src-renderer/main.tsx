// Renderer entry: the translations (i18n/), the component kit's provider (Fluent UI v9, theme per
// language-independent light scheme; see docs/ui.md for why Fluent) and the React app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { App } from './shell/App';
import { i18n } from './i18n';
import './shell/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n()}>
      <FluentProvider theme={webLightTheme} className="fluent-root">
        <App />
      </FluentProvider>
    </I18nextProvider>
  </StrictMode>,
);
