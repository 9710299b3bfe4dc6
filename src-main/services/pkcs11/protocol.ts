// Messages between the token service (host side) and the PKCS#11 worker process. Plain
// structured-clone data only (numbers, strings, Uint8Array), so the same protocol runs over
// child_process.fork ('advanced' serialization) and Electron's utilityProcess / MessagePort.

import type { MechanismPlan } from './mechanisms';

/** The transport both `process` (fork) and Electron's `parentPort` can be adapted to. */
export interface MessagePortLike {
  postMessage(msg: unknown): void;
  on(event: 'message', listener: (msg: unknown) => void): unknown;
}

/** Identifies one token: the module file and the slot id (hex of the CK_SLOT_ID). */
export interface SlotRef { module: string; slot: string }

export interface ModuleLoadResult {
  path: string;
  ok: boolean;
  reason?: string;
  info?: { manufacturer: string; description: string; cryptokiVersion: string; libraryVersion: string };
}

export interface RawToken extends SlotRef {
  slotDescription: string;
  slotFlags: number;
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
  flags: number;
}

export interface RawObjects {
  certificates: { id: string; label: string; der: Uint8Array }[];
  /** Private keys visible in the current session state (often hidden until login). */
  privateKeys: { id: string; label: string; keyType: number; alwaysAuthenticate: boolean }[];
  /** Public keys (usually visible without login): evidence a key pair exists for an id. */
  publicKeyIds: string[];
  loggedIn: boolean;
}

export interface LoginResult { flagsBefore: number; flagsAfter: number; alreadyLoggedIn: boolean }

export interface SlotSnapshot { tokens: { module: string; slot: string; serial: string; label: string }[] }

export interface WorkerMethods {
  ping: { params: Record<string, never>; result: { pid: number } };
  loadModules: { params: { paths: string[] }; result: ModuleLoadResult[] };
  listTokens: { params: { modules?: string[] }; result: RawToken[] };
  listObjects: { params: SlotRef; result: RawObjects };
  mechanisms: { params: SlotRef; result: number[] };
  tokenFlags: { params: SlotRef; result: number };
  /** pin: UTF-8 bytes, or null for a protected authentication path (PIN pad). */
  login: { params: SlotRef & { pin: Uint8Array | null }; result: LoginResult };
  logout: { params: SlotRef; result: void };
  logoutAll: { params: Record<string, never>; result: void };
  isLoggedIn: { params: SlotRef; result: boolean };
  sign: { params: SlotRef & { keyId: string; plan: MechanismPlan; data: Uint8Array }; result: Uint8Array };
  /** Several inputs with one key in one round trip; stops at the first failure. */
  signMany: { params: SlotRef & { keyId: string; plan: MechanismPlan; data: Uint8Array[] }; result: Uint8Array[] };
  /** C_WaitForSlotEvent(CKF_DONT_BLOCK) per module: slots with events, or 'unsupported'. */
  pollSlotEvents: { params: Record<string, never>; result: { module: string; events: string[] | 'unsupported' }[] };
}
export type MethodName = keyof WorkerMethods;

export interface Request { id: number; method: MethodName; params: unknown }

/** Failure payloads: a PKCS#11 return value, an already-mapped app error, or an internal bug. */
export type WireError =
  | { kind: 'pkcs11'; rv: number; fn: string; flagsAfter?: number; flagsBefore?: number }
  | { kind: 'app'; code: string; message_vi: string; message_en: string; details?: Record<string, unknown> }
  | { kind: 'internal'; message: string };

export type Response =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WireError };
