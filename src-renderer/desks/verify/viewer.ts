// The verify desk's one door to the document viewer (src-renderer/components/viewer, written to
// the contract in api.ts): loaded lazily, so the desk's own code stands apart from the viewer's.
import { lazy } from 'react';

export const PdfViewer = lazy(() => import('../../components/viewer/PdfViewer').then((m) => ({ default: m.PdfViewer })));
export type { ViewerHandle, ViewerSource, ViewerTarget } from '../../components/viewer/api';
