// Binary frames for the host-mode bridge, so documents cross it as raw bytes, never as base64.
// Electron's IPC carries Uint8Array by structured clone; over the WebSocket a message that holds
// bytes goes as one MessagePack frame (@msgpack/msgpack: its bin type is our Uint8Array, decoded
// as a view into the frame without a copy); messages without bytes stay JSON text frames.

import { Encoder, decode } from '@msgpack/msgpack';

export class FrameError extends Error {}

/** Whether a message holds bytes anywhere (then it goes as a binary frame). */
export function hasBytes(v: unknown, depth = 0): boolean {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return true;
  if (depth > 32 || v === null || typeof v !== 'object') return false;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasBytes(x, depth + 1)) return true;
  return false;
}

/** The bytes a message holds (its Uint8Arrays and ArrayBuffers), to size its frame. */
function byteLengthOf(v: unknown, depth = 0): number {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return v.byteLength;
  if (depth > 32 || v === null || typeof v !== 'object') return 0;
  let n = 0;
  for (const x of Array.isArray(v) ? v : Object.values(v)) n += byteLengthOf(x, depth + 1);
  return n;
}

/** Room left before bytes read by readFramed, for the frame's envelope (channel, id, the other fields). */
const HEADROOM = 16 * 1024;
/** Bytes read by readFramed: the room before them in their own buffer. */
const framed = new WeakMap<Uint8Array, number>();
/** How much of a Blob is read at a time by readFramed. */
const READ_CHUNK = 4 * 1024 * 1024;

/**
 * A Blob's bytes (a document about to be sent), read into a buffer that has room before them, so
 * that encodeFrame writes the envelope into that room and sends the bytes where they are instead of
 * copying them into a frame (one buffer of the document's size, not two). Read a few MB at a time,
 * each piece released as soon as it is copied. Elsewhere (Electron's structured clone) the result
 * is an ordinary Uint8Array.
 */
export async function readFramed(blob: Blob): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(new ArrayBuffer(HEADROOM + blob.size), HEADROOM, blob.size);
  for (let at = 0; at < blob.size; at += READ_CHUNK) {
    const piece = await blob.slice(at, Math.min(blob.size, at + READ_CHUNK)).arrayBuffer();
    out.set(new Uint8Array(piece), at);
    release(piece);
  }
  framed.set(out, HEADROOM);
  return out;
}

/** Frees a buffer's memory now rather than at the next collection (detaching it), where the
 * runtime can (ArrayBuffer.prototype.transfer); for bytes nothing will read again. */
export function release(b: ArrayBuffer | Uint8Array): void {
  const ab = b instanceof Uint8Array ? b.buffer : b;
  const transfer = (ab as { transfer?: (n: number) => ArrayBuffer }).transfer;
  if (typeof transfer !== 'function') return;
  try { transfer.call(ab, 0); } catch { /* already detached, or not transferable */ }
}

type PathKey = string | number;
/** The path to the one readFramed value in `v`, if there is one. */
function framedPath(v: unknown, depth = 0): PathKey[] | null {
  if (v instanceof Uint8Array) return framed.has(v) ? [] : null;
  if (depth > 32 || v === null || typeof v !== 'object' || v instanceof ArrayBuffer) return null;
  for (const [k, x] of Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v)) {
    const p = framedPath(x, depth + 1);
    if (p) return [k, ...p];
  }
  return null;
}

/** `v` with the value at `path` replaced by `last` and put last at every level (map keys are
 * unordered in MessagePack; an array's element can be last only if it is the last one). */
function withLast(v: unknown, path: PathKey[], last: unknown): unknown {
  if (path.length === 0) return last;
  const [k, ...rest] = path;
  if (Array.isArray(v)) {
    if (k !== v.length - 1) return undefined;
    const inner = withLast(v[k], rest, last);
    return inner === undefined ? undefined : [...v.slice(0, -1), inner];
  }
  const o = v as Record<string, unknown>;
  const inner = withLast(o[k as string], rest, last);
  if (inner === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) if (key !== k && o[key] !== undefined) out[key] = o[key];
  out[k as string] = inner;
  return out;
}

/** The frame of `msg` written around its readFramed bytes (their envelope in the room before
 * them), or null when it cannot be (no such bytes, or an envelope larger than the room). */
function encodeAroundFramed(msg: unknown): Uint8Array<ArrayBuffer> | null {
  const path = framedPath(msg);
  if (!path) return null;
  let data = msg as Record<PathKey, unknown>;
  for (const k of path) data = data[k] as Record<PathKey, unknown>;
  const bytes = data as unknown as Uint8Array<ArrayBuffer>;
  const room = framed.get(bytes)!;
  if (bytes.byteOffset < room || bytes.buffer.byteLength < bytes.byteOffset + bytes.byteLength) return null;
  const reordered = withLast(msg, path, new Uint8Array(0));
  if (reordered === undefined) return null;
  const envelope = new Encoder({ ignoreUndefined: true, initialBufferSize: byteLengthOf(reordered) + 4096 }).encodeSharedRef(reordered);
  // the placeholder is the last thing written: an empty bin 8 (c4 00), replaced by a bin 32 header
  const n = envelope.length;
  if (n < 2 || envelope[n - 2] !== 0xc4 || envelope[n - 1] !== 0x00) return null;
  const head = n - 2 + 5;
  if (head > room) return null;
  const start = bytes.byteOffset - head;
  const frame = new Uint8Array(bytes.buffer, start, head + bytes.byteLength);
  frame.set(envelope.subarray(0, n - 2), 0);
  frame[n - 2] = 0xc6;
  new DataView(bytes.buffer, start + n - 1, 4).setUint32(0, bytes.byteLength);
  return frame;
}

/**
 * Encode `msg` into one binary frame, written into a buffer sized for the bytes it holds and
 * returned as a view of it (a fresh encoder per frame, so the view is the frame's own). The
 * library's encode() starts at 2 KB and doubles (a 20 MB document: a 40 MB buffer) and then
 * copies the result out (20 MB more), for each document sent either way. Bytes read with
 * readFramed are not copied at all: the frame is written around them, in their own buffer (the
 * frame is then valid until those bytes are sent again).
 */
export function encodeFrame(msg: unknown): Uint8Array<ArrayBuffer> {
  const around = encodeAroundFramed(msg);
  if (around) return around;
  const encoder = new Encoder({ ignoreUndefined: true, initialBufferSize: byteLengthOf(msg) + 64 * 1024 });
  return encoder.encodeSharedRef(msg) as Uint8Array<ArrayBuffer>;
}

/** Decode a binary frame; throws FrameError on anything malformed. */
export function decodeFrame(frame: Uint8Array): unknown {
  try {
    return decode(frame);
  } catch (e) {
    throw new FrameError(`malformed frame: ${(e as Error).message}`);
  }
}
