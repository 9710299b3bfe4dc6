// Browser-side helpers for moving documents across the IPC boundary: File → base64 and
// base64 → a download the person can save.

export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let out = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(out);
}

export function base64ToBlob(b64: string, type = 'application/pdf'): Blob {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
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
