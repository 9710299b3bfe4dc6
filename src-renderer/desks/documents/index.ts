// Documents desk entry point, mounted by the app shell.
export { DocumentsPanel, type DocumentsPanelProps } from './DocumentsPanel';
