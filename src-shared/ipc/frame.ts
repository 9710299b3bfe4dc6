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

/**
 * Encode `msg` into one binary frame, written into a buffer sized for the bytes it holds and
 * returned as a view of it (a fresh encoder per frame, so the view is the frame's own). The
 * library's encode() starts at 2 KB and doubles (a 20 MB document: a 40 MB buffer) and then
 * copies the result out (20 MB more), for each document sent either way.
 */
export function encodeFrame(msg: unknown): Uint8Array<ArrayBuffer> {
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
