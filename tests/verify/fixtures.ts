// Shared fixtures for the verification tests: a test PKI whose certificates point at a loopback
// OCSP/CRL server, a TSA, a small base PDF with text and an image per page (mkpdf.py), signing
// with our PAdES signer and with `pdfsig -add-signature`, and helpers to append hand-made
// incremental updates (the tampering cases).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfReader } from '../../src-shared/pdf/reader';
import { IncrementalWriter } from '../../src-shared/pdf/writer';
import { defaultPadesServices, signPdf, type SignPdfOptions } from '../../src-shared/pades';
import type { SignatureScheme } from '../../src-shared/sign/signer';
import { createNodeNet } from '../../src-main/services/net/http';
import { makeTestPki, signerFor, type TestEntity, type TestPki } from '../helpers/pki';
import { startRevocationServer, type RevocationServer } from '../helpers/ocsp';
import { startTsa, type TsaServer } from '../helpers/tsa';
import { importPkcs12, makeNssDb, pdfsigAddSignature } from '../helpers/nss';

export const REPO = path.resolve(__dirname, '../..');
export const SHARED = path.resolve(REPO, '../shared');
export const CORPUS = path.join(SHARED, 'corpus/pdf');
export const ARTIFACTS = path.join(REPO, 'test-artifacts/verify');

export interface World {
  dir: string;
  pki: TestPki;
  rev: RevocationServer;
  tsa: TsaServer;
  /** The trust anchor file (test root, PEM). */
  rootPem: string;
  base: Uint8Array;
  basePath: string;
  close(): Promise<void>;
}

export async function makeWorld(name: string): Promise<World> {
  // kept under test-artifacts/verify/worlds/<name> (git-ignored) for inspection, fresh each run
  const dir = fresh(path.join(ARTIFACTS, 'worlds', name));
  const rev = await startRevocationServer();
  const pki = await makeTestPki(path.join(dir, 'pki'), { ...rev.pkiOptions, signerTypes: ['rsa2048', 'p256'] });
  rev.attach(pki);
  const tsa = await startTsa(pki.tsa);
  const basePath = path.join(dir, 'base.pdf');
  execFileSync('python3', [path.join(SHARED, 'tools/mkpdf.py'), basePath, '2', '0.02']);
  return {
    dir, pki, rev, tsa, rootPem: pki.root.pemPath, base: new Uint8Array(readFileSync(basePath)), basePath,
    close: async () => {
      await tsa.close();
      await rev.close();
    },
  };
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Sign `input` with our PAdES signer; returns the whole signed file. */
export async function signOurs(world: World, input: Uint8Array, entity: TestEntity, opts: SignPdfOptions & { scheme?: SignatureScheme } = {}): Promise<Uint8Array> {
  const signer = await signerFor(entity);
  const services = defaultPadesServices({ net: createNodeNet({ timeoutMs: 10_000 }) });
  const res = await signPdf(new BytesSource(input), signer, { tsaUrl: world.tsa.url, ...opts }, services);
  await signer.close();
  return concat(input, res.appended);
}

/** Sign `inputPath` with poppler's pdfsig through an NSS DB holding the entity's PKCS#12. */
export function signPdfsig(world: World, inputPath: string, entity: TestEntity, out: string, fieldName = 'PdfsigSig'): Uint8Array {
  const db = makeNssDb(path.join(world.dir, `nss-${entity.name}-${Math.random().toString(36).slice(2)}`), world.rootPem);
  importPkcs12(db, entity.p12Path!, world.pki.password);
  pdfsigAddSignature(db, entity.name, inputPath, out, { fieldName });
  return new Uint8Array(readFileSync(out));
}

/** Append an incremental update built by `edit` on top of `bytes`. */
export function appendUpdate(bytes: Uint8Array, edit: (r: PdfReader, w: IncrementalWriter) => void): Uint8Array {
  const r = PdfReader.open(new BytesSource(bytes));
  const w = new IncrementalWriter(r);
  edit(r, w);
  return concat(bytes, w.build().bytes);
}

export function save(world: World, name: string, bytes: Uint8Array): string {
  const p = path.join(world.dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** An empty directory test-artifacts/verify/tmp/<name>. */
export function tmp(name: string): string {
  return fresh(path.join(ARTIFACTS, 'tmp', name));
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
