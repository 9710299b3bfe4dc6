// Public API of the PDF layer (reader and incremental writer). It knows PDF only, never crypto.
//
// Reading:
//   const r = PdfReader.open(src: ByteSource, { allowEncrypted? })   // throws VanthuError
//       PDF_NOT_PDF | PDF_CORRUPT | PDF_ENCRYPTED ("encrypted PDFs are not supported")
//   r.revisions: Revision[]          oldest first: { index, kind: 'table'|'stream', xrefOffset,
//                                    trailer, end (offset after its %%EOF+EOL), changedObjects }
//   r.trailer, r.catalog, r.rootRef, r.size, r.recovered, r.startxref
//   r.getObject(ref | num), r.resolve(value), r.resolveDict(value), r.decode(stream)
//   r.locate(num) → raw location { type: 'offset', offset, gen } | { type: 'compressed', stream, index } …
//   r.valueSpans(ref) → Map<key, [start, end)> byte spans of a dictionary object's values
//   r.pages() → PageInfo[] (inherited MediaBox/CropBox/Rotate/Resources, loop-safe)
//   r.formFields(), r.signatureFields() → SignatureField { name, sig, byteRange, contentsSpan, contents … }
// Sources: BytesSource (Uint8Array), ConcatSource (original + appended update), and in src-main
//   FileSource (src-main/services/pdf-io/file-source.ts) for files read at offsets.
// Writing:
//   const w = new IncrementalWriter(r); w.add(v) / w.reserve() / w.set(ref, v) / w.update(ref, v)
//   const { bytes, offsets, marks } = w.build();   output = original ++ bytes
//   textString(s), pdfDate(d), serialize(v), PdfRaw (fixed-width placeholders with recorded marks)

export * from './objects';
export * from './bytesource';
export { PdfReader, decodeText, nameOf, cloneDict, type Revision, type PageInfo, type SignatureField, type ObjectLocation, type ReaderOptions, type XrefEntry } from './reader';
export { IncrementalWriter, type BuiltUpdate, type WriterOptions } from './writer';
export { textString, pdfDate, serialize, PdfRaw, formatNumber, type WritableValue } from './serialize';
export { decodeStream } from './filters';
export { Lexer, PdfSyntaxError } from './lexer';
