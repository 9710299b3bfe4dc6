// A signed file as the sign desk holds it after sign.batch: its bytes when they came in the answer,
// or the id, size and SHA-256 of the copy the main side keeps (returnSigned 'staged'). The bytes of
// a staged copy are fetched by id (sign.fetch) once, when something needs them — the save as the
// document's next version, the download link, the signed revision in the signature panel — and
// their SHA-256 checked (WebCrypto) against the one in the answer before anything uses them. The
// main side's copy is released once nothing needs it: after the save has succeeded (never before:
// a failed save keeps it, and is tried once more), or at once after the fetch when nothing is to
// be saved. An id the main side no longer holds is its typed error SIGN_STAGED_UNKNOWN.

import type { AppError } from '../../../src-shared/errors';
import type { IpcResult, Res } from '../../../src-shared/ipc/contract';
import { signedCopyMessages } from '../../../src-shared/ipc/sign-desk';
import { downloadUrl } from '../../components/files';

/** What a copy needs of the IPC surface (window.vanthu's `call`). */
export interface CopyApi {
  call(channel: 'sign.fetch', req: { id: string }): Promise<IpcResult<Res<'sign.fetch'>>>;
  call(channel: 'sign.release', req: { id: string }): Promise<IpcResult<Res<'sign.release'>>>;
}

/** A failure with its typed error (both languages), as the desk shows it. */
export class CopyError extends Error {
  constructor(readonly error: AppError) {
    super(error.message_en);
    this.name = 'CopyError';
  }
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of d) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export type SaveState = { state: 'saving' } | { state: 'saved' } | { state: 'failed'; error: AppError };

export class SignedCopy {
  #bytes: Uint8Array | null;
  #pending: Promise<Uint8Array> | null = null;
  #url: string | null = null;
  /** The main side still holds the staged copy (not released by this desk). */
  #held: boolean;
  /** Something still needs the staged copy (a save not yet succeeded): not released on dispose. */
  #pinned = false;
  #disposed = false;
  /** Changes (fetched, failed, save state) for the desk to draw again. */
  onChange: (() => void) | null = null;
  /** The last fetch's failure, shown with the result. */
  fetchError: AppError | null = null;
  save: SaveState | null = null;

  constructor(
    private readonly api: CopyApi,
    readonly name: string,
    readonly size: number,
    readonly staged: { id: string; sha256: string } | null,
    bytes: Uint8Array | null,
    readonly sha256: string | null = staged?.sha256 ?? null,
  ) {
    this.#bytes = bytes;
    this.#held = staged !== null;
  }

  /** The copy of a sign.batch result's file (bytes or staged). */
  static of(api: CopyApi, file: NonNullable<Res<'sign.batch'>['results'][number]['file']>): SignedCopy {
    return 'staged' in file
      ? new SignedCopy(api, file.name, file.staged.size, { id: file.staged.id, sha256: file.staged.sha256 }, null)
      : new SignedCopy(api, file.name, file.signed.length, null, file.signed);
  }

  get fetched(): boolean {
    return this.#bytes !== null;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  get fetching(): boolean {
    return this.#pending !== null;
  }

  /** The signed bytes: fetched by id once (concurrent callers share the fetch), their SHA-256 checked. */
  bytes(): Promise<Uint8Array> {
    if (this.#bytes) return Promise.resolve(this.#bytes);
    if (this.#pending) return this.#pending;
    const s = this.staged!;
    this.#pending = (async () => {
      try {
        const r = await this.api.call('sign.fetch', { id: s.id });
        if (!r.ok) throw new CopyError(r.error);
        const data = r.value.data;
        if (data.length !== this.size || (await sha256Hex(data)) !== s.sha256) throw new CopyError(signedCopyMessages.mismatch());
        this.#bytes = data;
        this.fetchError = null;
        return data;
      } catch (e) {
        this.fetchError = e instanceof CopyError ? e.error : { code: 'SIGN_FETCH_FAILED', ...describe(e) };
        throw e instanceof CopyError ? e : new CopyError(this.fetchError);
      } finally {
        this.#pending = null;
        this.onChange?.();
      }
    })();
    this.onChange?.();
    return this.#pending;
  }

  /** Something is still to be done with the staged copy (a save to come): not released until it has succeeded. */
  pin(): void {
    this.#pinned = true;
  }

  /** The bytes, fetched if need be, and then the main side's copy released when nothing is to be saved from it. */
  async bytesForUse(): Promise<Uint8Array> {
    const b = await this.bytes();
    if (!this.#pinned && this.save?.state !== 'failed') this.release();
    return b;
  }

  /** An object URL for the download link once the bytes are here (made on first ask, revoked on dispose). */
  url(): string | null {
    if (!this.#bytes || this.#disposed) return null;
    return (this.#url ??= downloadUrl(this.#bytes));
  }

  /**
   * Saves the signed file with `save` (the document's next version): fetched first if need be, tried
   * once more on failure, and the main side's copy released only after the save has succeeded.
   * Resolves with the final state (a failure carries its typed error: the copy is kept).
   */
  async saveWith(save: (signed: Uint8Array, name: string) => Promise<void>): Promise<SaveState> {
    this.#pinned = true;
    this.save = { state: 'saving' };
    this.onChange?.();
    let last: unknown = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const b = await this.bytes();
        await save(b, this.name);
        this.save = { state: 'saved' };
        this.#pinned = false;
        this.release();
        this.onChange?.();
        return this.save;
      } catch (e) {
        last = e;
        // the main side no longer holds it: fetching again cannot help
        if (e instanceof CopyError && e.error.code === 'SIGN_STAGED_UNKNOWN') break;
      }
    }
    const error = last instanceof CopyError
      ? last.error
      : signedCopyMessages.saveFailed(describe(last));
    this.save = { state: 'failed', error };
    this.onChange?.();
    return this.save;
  }

  /** Lets the main side drop its copy (nothing here needs it any more). */
  release(): void {
    if (!this.#held || !this.staged) return;
    this.#held = false;
    void this.api.call('sign.release', { id: this.staged.id }).catch(() => undefined);
  }

  /** The desk lets go of this result: the object URL revoked, the main side's copy released unless a save still needs it. */
  dispose(): void {
    this.#disposed = true;
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = null;
    this.onChange = null;
    if (!this.#pinned && this.save?.state !== 'failed') this.release();
  }
}

function describe(e: unknown): { message_vi: string; message_en: string } {
  const m = e as { message_vi?: string; message_en?: string; message?: string } | null;
  if (m?.message_vi || m?.message_en) return { message_vi: m.message_vi || m.message_en || '', message_en: m.message_en || m.message_vi || '' };
  const text = String(m?.message ?? e);
  return { message_vi: text, message_en: text };
}
