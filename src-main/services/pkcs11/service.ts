// The token service: discovers and loads PKCS#11 modules in the worker process, lists tokens
// and certificates, logs in (one login serves a batch), signs, logs out after an idle time or on
// lockAll(), and watches for tokens being inserted or removed.
//
// Events: 'token-inserted' (TokenSummary), 'token-removed' ({module, slot, label, serial}),
// 'logged-out' ({module, slot, reason: 'idle'|'lock'|'removed'|'restart'}), 'worker-restart' (reason).

import { EventEmitter } from 'node:events';
import path from 'node:path';
import { VanthuError } from '../../../src-shared/errors';
import type { HashAlgorithm, SignatureScheme } from '../../../src-shared/sign/signer';
import { type CertificateInfo, certificateInfo } from './certinfo';
import { WorkerClient, type WorkerFactory } from './client';
import { CKF } from './constants';
import { type PinState, pinLockedError, pinStateFromFlags, tokenNotFoundError } from './errors';
import { defaultLogger, type LogFn } from './log';
import { chooseMechanism, finishSignature, type MechanismPlan, prepareInput } from './mechanisms';
import { type DiscoveryProblem, discoverModules, type ModuleSource } from './modules';
import type { ModuleLoadResult, RawToken, SlotRef } from './protocol';

export interface TokenServiceOptions {
  /** Configured module paths (settings, `--pkcs11-module`); tried first. */
  modules?: string[];
  /** Extra module list files (default: VANTHU_PKCS11_MODULES). */
  extraModuleFiles?: string[];
  /** Also try the built-in list (default true; false when only configured modules are wanted). */
  builtinModules?: boolean;
  /** Per-call timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Log out after this long without a signature (default 5 minutes; 0 = never). */
  idleLogoutMs?: number;
  /** Slot watch interval in ms (default 2000). */
  pollIntervalMs?: number;
  /** How the worker process is started (default: child_process.fork). */
  factory?: WorkerFactory;
  log?: LogFn;
}

export interface ModuleStatus {
  path: string;
  vendor: string;
  source: ModuleSource;
  loaded: boolean;
  reason?: string;
  info?: ModuleLoadResult['info'];
}

export interface TokenSummary extends SlotRef {
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  slotDescription: string;
  flags: number;
  pin: PinState;
  protectedAuthPath: boolean;
  loggedIn: boolean;
}

export interface TokenCertificate {
  token: SlotRef;
  keyId: string;
  label: string;
  der: Uint8Array;
  info: CertificateInfo;
  /** 'unknown' when private keys stay hidden until login (most tokens). */
  privateKey: 'present' | 'absent' | 'unknown';
}

const refKey = (r: SlotRef) => `${r.module}\n${r.slot}`;

export class TokenService extends EventEmitter {
  readonly client: WorkerClient;
  private readonly opts: TokenServiceOptions;
  private readonly log: LogFn;
  private moduleStatus: ModuleStatus[] | null = null;
  private discoveryProblems: DiscoveryProblem[] = [];
  private loadedPaths: string[] = [];
  private loggedIn = new Map<string, { ref: SlotRef; timer: NodeJS.Timeout | null }>();
  private mechCache = new Map<string, number[]>();
  private watchTimer: NodeJS.Timeout | null = null;
  private known = new Map<string, TokenSummary>();
  private polling = false;
  private tick = 0;
  private signalling = new Set<string>();

  constructor(opts: TokenServiceOptions = {}) {
    super();
    this.opts = opts;
    this.log = opts.log ?? defaultLogger();
    this.client = new WorkerClient({
      factory: opts.factory,
      timeoutMs: opts.timeoutMs,
      onStart: async (call) => {
        if (this.loadedPaths.length) await call('loadModules', { paths: this.loadedPaths });
      },
    });
    this.client.on('restart', (reason: string) => {
      this.log('worker-restart', { reason });
      for (const { ref, timer } of this.loggedIn.values()) {
        if (timer) clearTimeout(timer);
        this.emit('logged-out', { ...ref, reason: 'restart' });
      }
      this.loggedIn.clear();
      this.emit('worker-restart', reason);
    });
  }

  /** Discover and load modules (once); report each one loaded or failed, with the reason. */
  async modules(): Promise<ModuleStatus[]> {
    if (this.moduleStatus) return this.moduleStatus;
    const { candidates, problems } = discoverModules({
      configured: this.opts.modules, extraFiles: this.opts.extraModuleFiles, builtin: this.opts.builtinModules,
    });
    this.discoveryProblems = problems;
    const present = candidates.filter((c) => c.exists);
    const results = present.length ? await this.client.call('loadModules', { paths: present.map((c) => c.path) }) : [];
    const byPath = new Map(results.map((r) => [r.path, r]));
    this.moduleStatus = candidates.map((c) => {
      const r = byPath.get(c.path);
      return {
        path: c.path, vendor: c.vendor, source: c.source, loaded: r?.ok ?? false,
        reason: c.exists ? r?.reason : 'file not found', info: r?.info,
      };
    });
    this.loadedPaths = this.moduleStatus.filter((m) => m.loaded).map((m) => m.path);
    for (const m of this.moduleStatus) this.log('module', { path: m.path, loaded: m.loaded, reason: m.reason });
    return this.moduleStatus;
  }

  /** Discover again (a driver installed while the app runs); loaded modules stay loaded. */
  async reloadModules(): Promise<ModuleStatus[]> {
    this.moduleStatus = null;
    return this.modules();
  }

  /** Problems reading deployment module lists (bad JSON, schema errors). */
  get moduleListProblems(): DiscoveryProblem[] { return this.discoveryProblems; }

  private summary(t: RawToken): TokenSummary {
    return {
      module: t.module, slot: t.slot, label: t.label, manufacturer: t.manufacturer, model: t.model,
      serial: t.serial, slotDescription: t.slotDescription, flags: t.flags, pin: pinStateFromFlags(t.flags),
      protectedAuthPath: (t.flags & CKF.PROTECTED_AUTHENTICATION_PATH) !== 0,
      loggedIn: this.loggedIn.has(refKey(t)),
    };
  }

  /** Initialised tokens present in every loaded module (blank SoftHSM slots are skipped). */
  async listTokens(): Promise<TokenSummary[]> {
    await this.modules();
    if (!this.loadedPaths.length) return [];
    return this.usable(await this.client.call('listTokens', {}));
  }

  private usable(raw: RawToken[]): TokenSummary[] {
    return raw.filter((t) => t.flags & CKF.TOKEN_INITIALIZED).map((t) => this.summary(t));
  }

  /** The token with this label (optionally in this module); TOKEN_NOT_FOUND otherwise. */
  async findToken(label: string, module?: string): Promise<TokenSummary> {
    const all = await this.listTokens();
    const t = all.find((x) => x.label === label && (!module || x.module === module || x.module === path.resolve(module)));
    if (!t) throw tokenNotFoundError(`token "${label}"`);
    return t;
  }

  /** Certificates on a token, signing-capable and valid ones first. */
  async listCertificates(token: SlotRef): Promise<TokenCertificate[]> {
    const raw = await this.client.call('listObjects', { module: token.module, slot: token.slot });
    const keyIds = new Set(raw.privateKeys.map((k) => k.id));
    const pubIds = new Set(raw.publicKeyIds);
    const out: TokenCertificate[] = [];
    for (const c of raw.certificates) {
      let info: CertificateInfo;
      try { info = certificateInfo(c.der); } catch { continue; }
      const privateKey = keyIds.has(c.id) ? 'present' : raw.loggedIn ? 'absent' : pubIds.has(c.id) || !raw.privateKeys.length ? 'unknown' : 'absent';
      out.push({ token: { module: token.module, slot: token.slot }, keyId: c.id, label: c.label, der: c.der, info, privateKey });
    }
    const rank = (c: TokenCertificate) =>
      (c.privateKey === 'absent' ? 8 : 0) + (c.info.isCa ? 4 : 0) + (c.info.signingCapable ? 0 : 2) + (c.info.validity === 'valid' ? 0 : 1);
    return out.sort((a, b) => rank(a) - rank(b));
  }

  async mechanisms(token: SlotRef): Promise<number[]> {
    const k = refKey(token);
    let m = this.mechCache.get(k);
    if (!m) {
      m = await this.client.call('mechanisms', { module: token.module, slot: token.slot });
      this.mechCache.set(k, m);
    }
    return m;
  }

  async tokenPinState(token: SlotRef): Promise<PinState> {
    return pinStateFromFlags(await this.client.call('tokenFlags', { module: token.module, slot: token.slot }));
  }

  isLoggedIn(token: SlotRef): boolean { return this.loggedIn.has(refKey(token)); }

  /**
   * Log in with `pin` (UTF-8 bytes; zero-filled here after it is handed over) or `null` for a
   * token with a PIN pad. Returns the PIN state read after login (e.g. toBeChanged).
   */
  async login(token: SlotRef, pin: Uint8Array | null): Promise<{ pin: PinState }> {
    try {
      if (this.isLoggedIn(token)) return { pin: await this.tokenPinState(token) };
      const copy = pin ? new Uint8Array(pin) : null;
      if (pin) pin.fill(0);
      let res;
      try {
        res = await this.client.call('login', { module: token.module, slot: token.slot, pin: copy });
      } finally {
        copy?.fill(0);
      }
      this.loggedIn.set(refKey(token), { ref: { module: token.module, slot: token.slot }, timer: null });
      this.touch(token);
      this.log('login', { module: token.module, slot: token.slot, ok: true });
      return { pin: pinStateFromFlags(res.flagsAfter) };
    } catch (e) {
      this.log('login', { module: token.module, slot: token.slot, ok: false, code: (e as VanthuError).code, pinRemaining: (e as VanthuError).details?.remaining });
      throw e;
    } finally {
      pin?.fill(0);
    }
  }

  private touch(token: SlotRef) {
    const entry = this.loggedIn.get(refKey(token));
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    const idle = this.opts.idleLogoutMs ?? 5 * 60_000;
    entry.timer = idle > 0 ? setTimeout(() => { void this.logout(token, 'idle'); }, idle) : null;
    entry.timer?.unref?.();
  }

  async logout(token: SlotRef, reason: 'user' | 'idle' | 'lock' | 'removed' = 'user'): Promise<void> {
    const entry = this.loggedIn.get(refKey(token));
    if (entry?.timer) clearTimeout(entry.timer);
    this.loggedIn.delete(refKey(token));
    try { await this.client.call('logout', { module: token.module, slot: token.slot }); } catch { /* gone already */ }
    if (entry) {
      this.log('logout', { module: token.module, slot: token.slot, reason });
      this.emit('logged-out', { module: token.module, slot: token.slot, reason });
    }
  }

  /** Log out of every token (app locked or quitting). */
  async lockAll(): Promise<void> {
    const refs = [...this.loggedIn.values()].map((e) => e.ref);
    for (const r of refs) {
      const e = this.loggedIn.get(refKey(r));
      if (e?.timer) clearTimeout(e.timer);
      this.loggedIn.delete(refKey(r));
      this.emit('logged-out', { ...r, reason: 'lock' });
    }
    try { await this.client.call('logoutAll', {}); } catch { /* worker gone: sessions gone too */ }
    this.log('lock-all', { tokens: refs.length });
  }

  /** Plan the mechanism for a key on a token (from the token's mechanism list). */
  async plan(token: SlotRef, keyType: 'rsa' | 'ec', hash: HashAlgorithm, scheme: SignatureScheme): Promise<MechanismPlan> {
    return chooseMechanism(keyType, scheme, hash, await this.mechanisms(token));
  }

  /** Sign `data` with the key `keyId` (hex CKA_ID); requires a prior login. */
  async sign(token: SlotRef, keyId: string, keyType: 'rsa' | 'ec', data: Uint8Array, hash: HashAlgorithm, scheme: SignatureScheme): Promise<Uint8Array> {
    const plan = await this.plan(token, keyType, hash, scheme);
    return this.signPlanned(token, keyId, plan, prepareInput(plan, hash, data));
  }

  /** Lower level: sign an already prepared input under `plan`. */
  async signPlanned(token: SlotRef, keyId: string, plan: MechanismPlan, input: Uint8Array): Promise<Uint8Array> {
    if (!this.isLoggedIn(token)) {
      throw new VanthuError('TOKEN_NOT_LOGGED_IN', 'Chưa đăng nhập thiết bị ký số (cần nhập mã PIN).', 'Not logged in to the token (PIN required).');
    }
    this.touch(token);
    try {
      const sig = await this.client.call('sign', { module: token.module, slot: token.slot, keyId, plan, data: input });
      return finishSignature(plan, sig);
    } catch (e) {
      const code = (e as VanthuError).code;
      this.log('sign-failed', { module: token.module, slot: token.slot, code });
      if (code === 'TOKEN_REMOVED' || code === 'TOKEN_NOT_LOGGED_IN') {
        const entry = this.loggedIn.get(refKey(token));
        if (entry?.timer) clearTimeout(entry.timer);
        this.loggedIn.delete(refKey(token));
        try { await this.client.call('logout', { module: token.module, slot: token.slot }); } catch { /* ignore */ }
      }
      if (code === 'TOKEN_PIN_LOCKED') throw pinLockedError();
      throw e;
    }
  }

  /**
   * Sign many messages with one key in a single round trip to the worker (one IPC message for
   * the lot). The timeout grows with the count: the client's per-call timeout per 10 inputs.
   */
  async signMany(token: SlotRef, keyId: string, keyType: 'rsa' | 'ec', data: Uint8Array[], hash: HashAlgorithm, scheme: SignatureScheme): Promise<Uint8Array[]> {
    if (!this.isLoggedIn(token)) {
      throw new VanthuError('TOKEN_NOT_LOGGED_IN', 'Chưa đăng nhập thiết bị ký số (cần nhập mã PIN).', 'Not logged in to the token (PIN required).');
    }
    const plan = await this.plan(token, keyType, hash, scheme);
    this.touch(token);
    const sigs = await this.client.call('signMany',
      { module: token.module, slot: token.slot, keyId, plan, data: data.map((d) => prepareInput(plan, hash, d)) },
      this.client.timeoutMs * Math.max(1, Math.ceil(data.length / 10)));
    return sigs.map((s) => finishSignature(plan, s));
  }

  /**
   * Start watching for token insertion/removal (slot events where supported, else polling).
   * Resolves when the first scan (the baseline; no events for tokens already present) is done.
   */
  startWatching(): Promise<void> {
    if (this.watchTimer) return Promise.resolve();
    const interval = this.opts.pollIntervalMs ?? 2000;
    const run = async () => {
      if (this.polling) return;
      this.polling = true;
      try { await this.pollOnce(); } catch (e) { this.log('watch-error', { code: (e as VanthuError).code }); } finally { this.polling = false; }
    };
    this.watchTimer = setInterval(run, interval);
    this.watchTimer.unref?.();
    return run();
  }

  stopWatching(): void {
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.watchTimer = null;
  }

  /**
   * One watch step. A module proves it supports slot events when C_WaitForSlotEvent
   * (CKF_DONT_BLOCK) has reported one; from then on it is rescanned only on an event (and every
   * 10th step as a safety net). Modules that never report events (SoftHSM2 always answers
   * CKR_NO_EVENT) or answer CKR_FUNCTION_NOT_SUPPORTED get their slot list polled every step.
   */
  async pollOnce(): Promise<void> {
    await this.modules();
    if (!this.loadedPaths.length) return;
    const first = this.tick++ === 0;
    const ev = await this.client.call('pollSlotEvents', {});
    for (const m of ev) if (m.events !== 'unsupported' && m.events.length > 0) this.signalling.add(m.module);
    const rescan = ev.filter((m) => first || !this.signalling.has(m.module) || m.events.length > 0 || this.tick % 10 === 0)
      .map((m) => m.module);
    if (!rescan.length) return;
    const now = this.usable(await this.client.call('listTokens', { modules: rescan }));
    const seen = new Set<string>();
    for (const t of now) {
      const k = `${refKey(t)}\n${t.serial}`;
      seen.add(k);
      if (!this.known.has(k)) {
        this.known.set(k, t);
        if (!first) { this.log('token-inserted', { module: t.module, label: t.label }); this.emit('token-inserted', t); }
      }
    }
    for (const [k, t] of this.known) {
      if (!rescan.includes(t.module) || seen.has(k)) continue;
      this.known.delete(k);
      if (this.isLoggedIn(t)) await this.logout(t, 'removed');
      this.mechCache.delete(refKey(t));
      this.log('token-removed', { module: t.module, label: t.label });
      this.emit('token-removed', { module: t.module, slot: t.slot, label: t.label, serial: t.serial });
    }
  }

  /** Log out everywhere and stop the worker process. */
  async close(): Promise<void> {
    this.stopWatching();
    try { await this.lockAll(); } catch { /* ignore */ }
    await this.client.dispose();
  }
}

