// End-to-end harness page: the PdfViewer alone, with the app's translations and Fluent provider.
// It opens files through the viewer's own file input and records, for tests and bench/desk.ts,
// when a file was chosen and when each page was drawn (window.__viewer).
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { i18n, type Language } from '../../../src-renderer/i18n';
import { PdfViewer } from '../../../src-renderer/components/viewer';
import './harness.css';

interface Probe { chosenAt: number | null; rendered: Array<{ page: number; at: number }>; opened: Array<{ pages: number } | { error: string }> }
const probe: Probe = { chosenAt: null, rendered: [], opened: [] };
(window as unknown as { __viewer: Probe }).__viewer = probe;
// a file chosen in the viewer's input: the clock starts (capture phase, before React sees it)
document.addEventListener('change', (e) => {
  if ((e.target as HTMLInputElement).type === 'file') {
    probe.chosenAt = performance.now();
    probe.rendered = [];
  }
}, true);

const lang = (new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'vi') as Language;
createRoot(document.getElementById('root')!).render(
  <I18nextProvider i18n={i18n(lang)}>
    <FluentProvider theme={webLightTheme} className="harness">
      <PdfViewer
        source={null}
        onOpen={(info) => probe.opened.push(info)}
        onPageRendered={(page) => probe.rendered.push({ page, at: performance.now() })}
      />
    </FluentProvider>
  </I18nextProvider>,
);
