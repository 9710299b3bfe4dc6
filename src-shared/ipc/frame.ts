// Binary frames for the host-mode bridge, so documents cross it as raw bytes, never as base64.
// Electron's IPC carries Uint8Array by structured clone; over the WebSocket a message that holds
// bytes goes as one MessagePack frame (@msgpack/msgpack: its bin type is our Uint8Array, decoded
// as a view into the frame without a copy); messages without bytes stay JSON text frames.

import { decode, encode } from '@msgpack/msgpack';

export class FrameError extends Error {}

/** Whether a message holds bytes anywhere (then it goes as a binary frame). */
export function hasBytes(v: unknown, depth = 0): boolean {
  if (v instanceof Uint8Array || v instanceof ArrayBuffer) return true;
  if (depth > 32 || v === null || typeof v !== 'object') return false;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasBytes(x, depth + 1)) return true;
  return false;
}

/** Encode `msg` into one binary frame. */
export function encodeFrame(msg: unknown): Uint8Array {
  return encode(msg, { ignoreUndefined: true });
}

/** Decode a binary frame; throws FrameError on anything malformed. */
export function decodeFrame(frame: Uint8Array): unknown {
  try {
    return decode(frame);
  } catch (e) {
    throw new FrameError(`malformed frame: ${(e as Error).message}`);
  }
}
