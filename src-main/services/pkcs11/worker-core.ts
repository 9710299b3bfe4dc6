// The PKCS#11 worker: the only code that touches pkcs11js (a native module). It runs in its own
// process (child_process.fork in host mode / CLI, Electron utilityProcess in the app) and answers
// requests from the token service over an abstract message port. It keeps sessions and the
// logged-in state per token; the host keeps everything else. Nothing here logs a PIN.

import pkcs11js from 'pkcs11js';
import { CKA, CKF, CKO, CKR, CKU_USER } from './constants';
import type {
  LoginResult, MessagePortLike, MethodName, ModuleLoadResult, RawObjects, RawToken, Request,
  Response, SlotRef, WireError, WorkerMethods,
} from './protocol';

type Lib = InstanceType<typeof pkcs11js.PKCS11>;
type Handle = Buffer;

interface SessionState { session: Handle; loggedIn: boolean; keys: Map<string, Handle> }

class PkcsFailure extends Error {
  constructor(readonly rv: number, readonly fn: string) { super(`${fn}: ${rv}`); }
}
class AppFailure extends Error {
  constructor(readonly code: string, readonly vi: string, readonly en: string) { super(code); }
}

const trim = (s: string) => s.replace(/[\s\0]+$/, '');
const hex = (b: Buffer | Uint8Array) => Buffer.from(b).toString('hex');
const ver = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
const ulong = (b: Buffer | undefined) => (b && b.length ? Number(b.readUIntLE(0, Math.min(b.length, 6))) : 0);

/** Run a pkcs11js call; turn its errors into PkcsFailure with the CK_RV. */
function ck<T>(fn: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    const rv = typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : CKR.GENERAL_ERROR;
    throw new PkcsFailure(rv || CKR.GENERAL_ERROR, fn);
  }
}

export class Pkcs11Worker {
  private libs = new Map<string, Lib>();
  private sessions = new Map<string, SessionState>();

  private lib(module: string): Lib {
    const l = this.libs.get(module);
    if (!l) throw new AppFailure('TOKEN_MODULE_NOT_LOADED', 'Trình điều khiển PKCS#11 chưa được nạp.', 'The PKCS#11 module is not loaded.');
    return l;
  }

  private key(r: SlotRef) { return `${r.module}\n${r.slot}`; }

  loadModules({ paths }: { paths: string[] }): ModuleLoadResult[] {
    return paths.map((path) => {
      if (this.libs.has(path)) return { path, ok: true, info: this.info(this.libs.get(path)!) };
      const lib = new pkcs11js.PKCS11();
      try {
        lib.load(path);
      } catch (e) {
        return { path, ok: false, reason: `load failed: ${(e as Error).message.split('\n')[0]}` };
      }
      try {
        lib.C_Initialize();
      } catch (e) {
        const code = (e as { code?: number }).code;
        if (code !== CKR.CRYPTOKI_ALREADY_INITIALIZED) {
          try { lib.close(); } catch { /* ignore */ }
          return { path, ok: false, reason: `C_Initialize failed: ${(e as Error).message.split('\n')[0]}` };
        }
      }
      this.libs.set(path, lib);
      return { path, ok: true, info: this.info(lib) };
    });
  }

  private info(lib: Lib): ModuleLoadResult['info'] {
    const i = lib.C_GetInfo();
    return {
      manufacturer: trim(i.manufacturerID), description: trim(i.libraryDescription),
      cryptokiVersion: ver(i.cryptokiVersion), libraryVersion: ver(i.libraryVersion),
    };
  }

  private slotHandle(r: SlotRef): Handle { return Buffer.from(r.slot, 'hex'); }

  listTokens({ modules }: { modules?: string[] }): RawToken[] {
    const out: RawToken[] = [];
    for (const [module, lib] of this.libs) {
      if (modules && !modules.includes(module)) continue;
      for (const s of ck('C_GetSlotList', () => lib.C_GetSlotList(true))) {
        try {
          const si = lib.C_GetSlotInfo(s);
          const ti = lib.C_GetTokenInfo(s);
          out.push({
            module, slot: hex(s), slotDescription: trim(si.slotDescription), slotFlags: si.flags,
            label: trim(ti.label), manufacturer: trim(ti.manufacturerID), model: trim(ti.model),
            serial: trim(ti.serialNumber), flags: ti.flags,
          });
        } catch {
          // A token going away between C_GetSlotList and C_GetTokenInfo: simply not present.
        }
      }
    }
    return out;
  }

  tokenFlags(r: SlotRef): number {
    const lib = this.lib(r.module);
    return ck('C_GetTokenInfo', () => lib.C_GetTokenInfo(this.slotHandle(r))).flags;
  }

  mechanisms(r: SlotRef): number[] {
    const lib = this.lib(r.module);
    return ck('C_GetMechanismList', () => lib.C_GetMechanismList(this.slotHandle(r)));
  }

  private openSession(r: SlotRef): Handle {
    const lib = this.lib(r.module);
    return ck('C_OpenSession', () => lib.C_OpenSession(this.slotHandle(r), CKF.SERIAL_SESSION));
  }

  private find(lib: Lib, session: Handle, template: { type: number; value?: number | Buffer | boolean }[]): Handle[] {
    ck('C_FindObjectsInit', () => lib.C_FindObjectsInit(session, template));
    try {
      const out: Handle[] = [];
      for (;;) {
        const batch = ck('C_FindObjects', () => lib.C_FindObjects(session, 64));
        out.push(...batch);
        if (batch.length < 64) return out;
      }
    } finally {
      try { lib.C_FindObjectsFinal(session); } catch { /* ignore */ }
    }
  }

  listObjects(r: SlotRef): RawObjects {
    const lib = this.lib(r.module);
    const existing = this.sessions.get(this.key(r));
    const session = existing?.session ?? this.openSession(r);
    try {
      const certificates = this.find(lib, session, [{ type: CKA.CLASS, value: CKO.CERTIFICATE }]).map((h) => {
        const [id, label, value] = ck('C_GetAttributeValue', () =>
          lib.C_GetAttributeValue(session, h, [{ type: CKA.ID }, { type: CKA.LABEL }, { type: CKA.VALUE }]));
        return { id: hex(id.value as Buffer), label: (label.value as Buffer).toString('utf8'), der: new Uint8Array(value.value as Buffer) };
      });
      const privateKeys = this.find(lib, session, [{ type: CKA.CLASS, value: CKO.PRIVATE_KEY }]).map((h) => {
        const [id, label, kt] = ck('C_GetAttributeValue', () =>
          lib.C_GetAttributeValue(session, h, [{ type: CKA.ID }, { type: CKA.LABEL }, { type: CKA.KEY_TYPE }]));
        let alwaysAuthenticate = false;
        try {
          const [aa] = lib.C_GetAttributeValue(session, h, [{ type: CKA.ALWAYS_AUTHENTICATE }]);
          alwaysAuthenticate = ulong(aa.value as Buffer) !== 0;
        } catch { /* attribute not supported */ }
        return { id: hex(id.value as Buffer), label: (label.value as Buffer).toString('utf8'), keyType: ulong(kt.value as Buffer), alwaysAuthenticate };
      });
      const publicKeyIds = this.find(lib, session, [{ type: CKA.CLASS, value: 2 }]).map((h) =>
        hex(ck('C_GetAttributeValue', () => lib.C_GetAttributeValue(session, h, [{ type: CKA.ID }]))[0].value as Buffer));
      return { certificates, privateKeys, publicKeyIds, loggedIn: existing?.loggedIn ?? false };
    } finally {
      if (!existing) try { lib.C_CloseSession(session); } catch { /* ignore */ }
    }
  }

  login(p: SlotRef & { pin: Uint8Array | null }): LoginResult {
    const lib = this.lib(p.module);
    let pinText: string | null = null;
    try {
      const flagsBefore = this.tokenFlags(p);
      if (flagsBefore & CKF.USER_PIN_LOCKED) {
        throw Object.assign(new PkcsFailure(CKR.PIN_LOCKED, 'C_Login'), { flagsBefore, flagsAfter: flagsBefore });
      }
      const protectedPath = (flagsBefore & CKF.PROTECTED_AUTHENTICATION_PATH) !== 0;
      if (p.pin === null && !protectedPath) {
        throw new AppFailure('TOKEN_PIN_REQUIRED', 'Cần nhập mã PIN của thiết bị ký số.', 'The token PIN is required.');
      }
      const k = this.key(p);
      let st = this.sessions.get(k);
      if (st?.loggedIn) return { flagsBefore, flagsAfter: flagsBefore, alreadyLoggedIn: true };
      if (!st) {
        st = { session: this.openSession(p), loggedIn: false, keys: new Map() };
        this.sessions.set(k, st);
      }
      // pkcs11js only takes the PIN as a JS string; it lives for this call only. A PIN pad
      // (protected authentication path) gets an empty PIN: pkcs11js cannot pass NULL_PTR.
      pinText = p.pin === null ? '' : Buffer.from(p.pin).toString('utf8');
      const session = st.session;
      let alreadyLoggedIn = false;
      try {
        lib.C_Login(session, CKU_USER, pinText);
      } catch (e) {
        const rv = (e as { code?: number }).code ?? CKR.GENERAL_ERROR;
        if (rv === CKR.USER_ALREADY_LOGGED_IN) {
          alreadyLoggedIn = true;
        } else {
          let flagsAfter: number | undefined;
          try { flagsAfter = this.tokenFlags(p); } catch { /* token gone */ }
          this.dropSession(p);
          throw Object.assign(new PkcsFailure(rv, 'C_Login'), { flagsBefore, flagsAfter });
        }
      }
      st.loggedIn = true;
      return { flagsBefore, flagsAfter: this.tokenFlags(p), alreadyLoggedIn };
    } finally {
      pinText = null;
      if (p.pin) p.pin.fill(0);
    }
  }

  private dropSession(r: SlotRef) {
    const k = this.key(r);
    const st = this.sessions.get(k);
    if (!st) return;
    this.sessions.delete(k);
    const lib = this.libs.get(r.module);
    if (!lib) return;
    if (st.loggedIn) try { lib.C_Logout(st.session); } catch { /* ignore */ }
    try { lib.C_CloseSession(st.session); } catch { /* ignore */ }
  }

  logout(r: SlotRef): void { this.dropSession(r); }

  logoutAll(): void {
    for (const k of [...this.sessions.keys()]) {
      const [module, slot] = k.split('\n');
      this.dropSession({ module, slot });
    }
  }

  isLoggedIn(r: SlotRef): boolean { return this.sessions.get(this.key(r))?.loggedIn ?? false; }

  sign(p: SlotRef & { keyId: string; plan: WorkerMethods['sign']['params']['plan']; data: Uint8Array }): Uint8Array {
    const lib = this.lib(p.module);
    const st = this.sessions.get(this.key(p));
    if (!st?.loggedIn) {
      throw new AppFailure('TOKEN_NOT_LOGGED_IN', 'Chưa đăng nhập thiết bị ký số (cần nhập mã PIN).', 'Not logged in to the token (PIN required).');
    }
    let key = st.keys.get(p.keyId);
    if (!key) {
      const found = this.find(lib, st.session, [
        { type: CKA.CLASS, value: CKO.PRIVATE_KEY }, { type: CKA.ID, value: Buffer.from(p.keyId, 'hex') },
      ]);
      if (found.length === 0) {
        throw new AppFailure('TOKEN_KEY_NOT_FOUND', 'Không tìm thấy khóa bí mật tương ứng trên thiết bị ký số.', 'The matching private key was not found on the token.');
      }
      key = found[0];
      st.keys.set(p.keyId, key);
    }
    const mechanism: { mechanism: number; parameter?: { type: number; hashAlg: number; mgf: number; saltLen: number } } = { mechanism: p.plan.mechanism };
    if (p.plan.pss) mechanism.parameter = { type: pkcs11js.CK_PARAMS_RSA_PSS, ...p.plan.pss };
    ck('C_SignInit', () => lib.C_SignInit(st.session, mechanism, key!));
    const out = ck('C_Sign', () => lib.C_Sign(st.session, Buffer.from(p.data), Buffer.alloc(1024)));
    return new Uint8Array(out);
  }

  signMany(p: SlotRef & { keyId: string; plan: WorkerMethods['sign']['params']['plan']; data: Uint8Array[] }): Uint8Array[] {
    return p.data.map((data) => this.sign({ ...p, data }));
  }

  pollSlotEvents(): { module: string; events: string[] | 'unsupported' }[] {
    const out: { module: string; events: string[] | 'unsupported' }[] = [];
    for (const [module, lib] of this.libs) {
      const events: string[] = [];
      try {
        for (let i = 0; i < 16; i++) {
          const s = lib.C_WaitForSlotEvent(CKF.DONT_BLOCK);
          if (!s) break;
          events.push(hex(s));
        }
        out.push({ module, events });
      } catch (e) {
        const rv = (e as { code?: number }).code;
        out.push({ module, events: rv === CKR.FUNCTION_NOT_SUPPORTED ? 'unsupported' : events });
      }
    }
    return out;
  }

  ping() { return { pid: process.pid }; }

  /** Dispatch one request; never throws. */
  handle(req: Request): Response {
    try {
      const fn = (this as unknown as Record<MethodName, (p: unknown) => unknown>)[req.method];
      if (typeof fn !== 'function') throw new Error(`unknown method ${String(req.method)}`);
      return { id: req.id, ok: true, result: fn.call(this, req.params ?? {}) };
    } catch (e) {
      return { id: req.id, ok: false, error: toWire(e) };
    }
  }
}

function toWire(e: unknown): WireError {
  if (e instanceof PkcsFailure) {
    const x = e as PkcsFailure & { flagsBefore?: number; flagsAfter?: number };
    return { kind: 'pkcs11', rv: x.rv, fn: x.fn, flagsBefore: x.flagsBefore, flagsAfter: x.flagsAfter };
  }
  if (e instanceof AppFailure) return { kind: 'app', code: e.code, message_vi: e.vi, message_en: e.en };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Serve requests arriving on `port` until the process ends. */
export function serveWorker(port: MessagePortLike): Pkcs11Worker {
  const worker = new Pkcs11Worker();
  port.on('message', (msg) => {
    const req = msg as Request;
    if (!req || typeof req.id !== 'number' || typeof req.method !== 'string') return;
    port.postMessage(worker.handle(req));
  });
  port.postMessage({ ready: true, pid: process.pid });
  return worker;
}
