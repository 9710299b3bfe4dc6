// End-to-end harness page: the DocumentsPanel alone (with the desk's translations), served by the
// real host mode.
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { DocumentsPanel } from '../../../src-renderer/desks/documents';
import { i18n } from '../../../src-renderer/i18n';

createRoot(document.getElementById('root')!).render(
  <I18nextProvider i18n={i18n()}>
    <DocumentsPanel profile="e2e" />
  </I18nextProvider>,
);
