// End-to-end harness page: the DocumentsPanel alone, served by the real host mode.
import { createRoot } from 'react-dom/client';
import { DocumentsPanel } from '../../../src-renderer/desks/documents';

createRoot(document.getElementById('root')!).render(<DocumentsPanel profile="e2e" />);
