// Reads byte ranges of Files for the viewer's range transport (./pdfjs.ts) off the main thread.
// pdf.js asks for one range per object it fetches (a flat /Pages tree of 200 pages: about 200
// requests before the document is ready); a Blob read costs the calling thread ~0.5 ms of work
// each, which on the main thread is taken from pdf.js's own messaging and from drawing. Here the
// reads run in this worker; only the bytes (transferred, not copied) go back.
// Messages in: { open: id, file } | { close: id } | { read: [[req, id, begin, end], …] }.
// Messages out: { req, bytes: ArrayBuffer } | { req, error: string }.

type In = { open: number; file: Blob } | { close: number } | { read: Array<[number, number, number, number]> };
// the worker's global scope, typed as much as used here (the renderer's tsconfig has the DOM lib, not webworker's)
const scope = self as unknown as { onmessage: ((e: MessageEvent<In>) => void) | null; postMessage(m: unknown, transfer?: Transferable[]): void };

const files = new Map<number, Blob>();

scope.onmessage = (e: MessageEvent<In>) => {
  const m = e.data;
  if ('open' in m) files.set(m.open, m.file);
  else if ('close' in m) files.delete(m.close);
  else {
    for (const [req, id, begin, end] of m.read) {
      const file = files.get(id);
      if (!file) {
        scope.postMessage({ req, error: 'closed' });
        continue;
      }
      file.slice(begin, end).arrayBuffer().then(
        (bytes) => scope.postMessage({ req, bytes }, [bytes]),
        (err: unknown) => scope.postMessage({ req, error: String(err) }),
      );
    }
  }
};
