// Browser-side helpers for documents at the IPC boundary: a File's bytes (they cross IPC as a
// Uint8Array, never as base64) and bytes as a download the person can save.

export async function fileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}

export function bytesToBlob(bytes: Uint8Array, type = 'application/pdf'): Blob {
  return new Blob([bytes as BlobPart], { type });
}

/** An object URL for a download link; the caller revokes it when the link goes away. */
export function downloadUrl(bytes: Uint8Array): string {
  return URL.createObjectURL(bytesToBlob(bytes));
}

export function describeError(e: unknown): string {
  const err = e as { message_vi?: string; message_en?: string; message?: string };
  if (err?.message_vi) return `${err.message_vi} (${err.message_en})`;
  return String(err?.message ?? e);
}
