// The viewer's contract with the rest of the desk (the signature panel jumps to a widget, the
// verify and sign desks open documents in it). Implemented by PdfViewer.tsx in this folder.

/** What to show: bytes already in memory (the local store, a signed revision) or a file from disk
 * or a drop, read by ranges (Blob.slice) so page 1 shows before the whole file is read. */
export type ViewerSource =
  | { kind: 'bytes'; bytes: Uint8Array; name: string }
  | { kind: 'file'; file: File };

/** A place in the document: 0-based page, optionally a rectangle in PDF user space [x1, y1, x2, y2]. */
export interface ViewerTarget {
  page: number;
  rect?: [number, number, number, number];
}

/** Imperative handle (React ref) of the viewer. */
export interface ViewerHandle {
  /** Scroll to a page (and outline the rectangle briefly, e.g. a signature widget). */
  goTo(target: ViewerTarget): void;
  /** Number of pages once the document is open, else 0. */
  pageCount(): number;
}

export interface ViewerProps {
  source: ViewerSource | null;
  /** Called once the document is open (page count known) or failed to open. */
  onOpen?(info: { pages: number } | { error: string }): void;
  /** Extra test id for the viewer's root (default "pdf-viewer"). */
  testId?: string;
}
