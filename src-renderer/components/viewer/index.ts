// The viewer component and its contract (see api.ts).
export { PdfViewer, type PdfViewerProps, type ZoomMode } from './PdfViewer';
export type { ViewerHandle, ViewerProps, ViewerSource, ViewerTarget } from './api';
