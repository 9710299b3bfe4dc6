// Browser-side helpers for moving documents across the IPC boundary: File → base64 and
// base64 → a download the person can save.

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(out);
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export async function fileToBase64(file: Blob): Promise<string> {
  return bytesToBase64(new Uint8Array(await file.arrayBuffer()));
}

export function base64ToBlob(b64: string, type = 'application/pdf'): Blob {
  return new Blob([base64ToBytes(b64).slice()], { type });
}

/** An object URL for a download link; the caller revokes it when the link goes away. */
export function downloadUrl(b64: string): string {
  return URL.createObjectURL(base64ToBlob(b64));
}

export function describeError(e: unknown): string {
  const err = e as { message_vi?: string; message_en?: string; message?: string };
  if (err?.message_vi) return `${err.message_vi} (${err.message_en})`;
  return String(err?.message ?? e);
}
