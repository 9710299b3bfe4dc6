// Documents desk entry point, mounted by the app shell (and alone by tests/sync's harness page,
// which has no provider: the translations are initialised here so the panel speaks either way).
import { i18n } from '../../i18n';

i18n();
export { DocumentsPanel, type DocumentsPanelProps } from './DocumentsPanel';
