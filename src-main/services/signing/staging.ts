// The sign desk's staging area: documents the desk inspected with `stage: true` (IPC sign.inspect),
// kept on the main side so `sign.batch` can name them by id instead of the renderer sending the same
// bytes a second time (in host mode a browser uploads to loopback at ≈ 50 MB/s: 0.4 s for 20 MB).
// Memory only — nothing is written to disk — and bounded: a cap on the bytes held and on the count
// (the least recently used go first), and an expiry after the last use (a timer, unref'd, drops
// what has expired even when nobody asks). The desk releases its document when it lets go of the
// file (sign.release); an id that is not held (released, expired, evicted, never staged) is the
// typed error SIGN_STAGED_UNKNOWN, and the desk then sends the bytes.
// Signed files are kept here too (sign.batch returnSigned 'staged', fetched by id with sign.fetch):
// those are put with `keep`, never evicted to make room for another document — a signed file the
// desk has not saved yet is work that cannot be made again without the signer — only dropped when
// released or when they expire; a put that would need to evict one is refused instead (null: the
// signed file then goes back as bytes, the document is sent again as bytes). Kept files take at
// most half the area (bytes and count), so a document can still be staged beside them even when a
// desk went away without releasing what it was given (until those expire).

import { randomBytes } from 'node:crypto';
import { VanthuError } from '../../../src-shared/errors';
import { STAGED_UNKNOWN } from '../../../src-shared/ipc/sign-desk';

export interface StagingLimits {
  /** The most bytes held at once (a document larger than this is not staged). */
  maxBytes: number;
  /** The most documents held at once. */
  maxEntries: number;
  /** How long a document stays after it was staged or last used. */
  ttlMs: number;
  /** The clock (tests). */
  now?: () => number;
}

/** 256 MB, 8 documents, 15 minutes: the desk stages only the document it shows. */
export const DEFAULT_STAGING: StagingLimits = { maxBytes: 256 * 1024 * 1024, maxEntries: 8, ttlMs: 15 * 60_000 };

export const stagedUnknownError = () =>
  new VanthuError(
    STAGED_UNKNOWN,
    'Văn bản chuẩn bị để ký không còn được giữ (đã hết hạn hoặc đã được giải phóng): hãy gửi lại văn bản.',
    'The document staged for signing is no longer held (it expired or was released): send the document again.',
  );

interface Entry { bytes: Uint8Array; expires: number; keep: boolean }

export class StagingArea {
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly now: () => number;

  constructor(private readonly limits: StagingLimits = DEFAULT_STAGING) {
    this.now = limits.now ?? Date.now;
  }

  /** The bytes held now. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Keeps `bytes` (not copied: the caller hands them over and does not change them; a view into a
   * much larger buffer — a pooled one — is copied so the rest of that buffer is not pinned).
   * `keep`: not evicted for another document (a signed file not saved yet); kept ones take at most
   * half the area. Null when the document does not fit: larger than the whole area, beside the
   * documents kept, or (kept) beyond the half.
   */
  put(bytes: Uint8Array, { keep = false }: { keep?: boolean } = {}): { id: string; size: number; expiresInMs: number } | null {
    this.sweep();
    if (bytes.byteLength > this.limits.maxBytes) return null;
    let keptBytes = 0, kept = 0;
    for (const e of this.entries.values()) if (e.keep) { keptBytes += e.bytes.byteLength; kept++; }
    if (keep ? keptBytes + bytes.byteLength > this.limits.maxBytes / 2 || kept + 1 > Math.floor(this.limits.maxEntries / 2)
      : keptBytes + bytes.byteLength > this.limits.maxBytes || kept + 1 > this.limits.maxEntries) return null;
    const own = bytes.buffer.byteLength > 2 * bytes.byteLength + 65536 ? bytes.slice() : bytes;
    // least recently used out (those not kept) until the new one fits both caps
    for (const [id, e] of this.entries) {
      if (this.held + own.byteLength <= this.limits.maxBytes && this.entries.size < this.limits.maxEntries) break;
      if (!e.keep) this.drop(id);
    }
    const id = randomBytes(16).toString('base64url');
    this.entries.set(id, { bytes: own, expires: this.now() + this.limits.ttlMs, keep });
    this.held += own.byteLength;
    this.arm();
    return { id, size: own.byteLength, expiresInMs: this.limits.ttlMs };
  }

  /** The staged bytes (their use renews the expiry), or the typed error SIGN_STAGED_UNKNOWN. */
  take(id: string): Uint8Array {
    this.sweep();
    const e = this.entries.get(id);
    if (!e) throw stagedUnknownError();
    this.entries.delete(id);
    e.expires = this.now() + this.limits.ttlMs;
    this.entries.set(id, e); // the most recently used now
    return e.bytes;
  }

  has(id: string): boolean {
    this.sweep();
    return this.entries.has(id);
  }

  release(id: string): boolean {
    if (!this.entries.has(id)) return false;
    this.drop(id);
    return true;
  }

  clear(): void {
    for (const [id] of this.entries) this.drop(id);
  }

  private drop(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.held -= e.bytes.byteLength;
    if (this.entries.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private sweep(): void {
    const t = this.now();
    for (const [id, e] of this.entries) if (e.expires <= t) this.drop(id);
  }

  /** While anything is held, a check once a minute (or once per ttl when shorter) drops what expired. */
  private arm(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, this.limits.ttlMs)));
    this.timer.unref?.();
  }
}
