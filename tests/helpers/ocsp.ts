// Revocation services for tests on 127.0.0.1 (random port): an OCSP responder (pkijs
// BasicOCSPResponse; good / revoked / unknown per configured serials), CRL endpoints
// (/crl/root.crl, /crl/intermediate.crl, freshly signed per request) and AIA caIssuers
// (/ca/root.cer, /ca/intermediate.cer). Start it first, give its URLs to makeTestPki, then attach
// the PKI:
//   const rev = await startRevocationServer();
//   const pki = await makeTestPki(dir, rev.pkiOptions);
//   rev.attach(pki); rev.revoke(pki.signers.p256.serialHex);
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual, toArrayBuffer } from '../../src-shared/crypto/bytes';
import { anyHashFromOid, digest } from '../../src-shared/crypto/hash';
import { OID } from '../../src-shared/crypto/oids';
import type { TestEntity, TestPki, TestPkiOptions } from './pki';
import { readBody } from './http';

export type OcspMode = 'ok' | 'http-500' | 'try-later' | 'unauthorized' | 'garbage' | 'wrong-signer' | 'down';

export interface RevocationServer {
  baseUrl: string;
  ocspUrl: string;
  crlBaseUrl: string;
  caIssuersBaseUrl: string;
  /** Options for makeTestPki pointing every certificate at this server. */
  pkiOptions: Pick<TestPkiOptions, 'ocspUrl' | 'crlBaseUrl' | 'caIssuersBaseUrl'>;
  attach(pki: TestPki): void;
  /** Mark a serial (hex, as TestEntity.serialHex) revoked, in OCSP and in the CRLs. */
  revoke(serialHex: string, opts?: { date?: Date; reason?: number }): void;
  /** Make OCSP answer "unknown" for this serial. */
  markUnknown(serialHex: string): void;
  /** OCSP behaviour ('down' also makes the CRL and CA endpoints answer 503). */
  setMode(mode: OcspMode): void;
  /** Sign delegated answers with another responder entity (default pki.ocsp). */
  setResponder(entity: TestEntity | undefined): void;
  readonly hits: { ocsp: number; crl: number; ca: number };
  close(): Promise<void>;
}

function normSerial(h: string): string {
  return h.toLowerCase().replace(/^(00)+(?=.)/, '');
}

function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** Whole seconds: DER GeneralizedTime in OCSP must not carry fractions (NSS rejects them). */
function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

function ocspStatusOnly(status: number): Uint8Array {
  return new Uint8Array(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) }).toSchema().toBER(false));
}

export async function startRevocationServer(): Promise<RevocationServer> {
  let pki: TestPki | undefined;
  const revoked = new Map<string, { date: Date; reason?: number }>();
  const unknown = new Set<string>();
  let mode: OcspMode = 'ok';
  let responder: TestEntity | undefined;
  const hits = { ocsp: 0, crl: 0, ca: 0 };
  let crlNumber = 1;

  async function issuerForCertId(id: pkijs.CertID): Promise<TestEntity | undefined> {
    if (!pki) return undefined;
    const hash = anyHashFromOid(id.hashAlgorithm.algorithmId);
    if (!hash) return undefined;
    for (const ca of [pki.intermediate, pki.root]) {
      const keyHash = await digest(hash, new Uint8Array(ca.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
      if (bytesEqual(keyHash, new Uint8Array(id.issuerKeyHash.valueBlock.valueHexView))) return ca;
    }
    return undefined;
  }

  async function answerOcsp(body: Uint8Array): Promise<{ status: number; body: Uint8Array; type: string }> {
    const type = 'application/ocsp-response';
    if (mode === 'http-500') return { status: 500, body: new TextEncoder().encode('error'), type: 'text/plain' };
    if (mode === 'garbage') return { status: 200, body: new TextEncoder().encode('<html>proxy error</html>'), type };
    if (mode === 'try-later') return { status: 200, body: ocspStatusOnly(3), type };
    if (mode === 'unauthorized') return { status: 200, body: ocspStatusOnly(6), type };
    let req: pkijs.OCSPRequest;
    try {
      req = pkijs.OCSPRequest.fromBER(toArrayBuffer(body));
    } catch {
      return { status: 200, body: ocspStatusOnly(1), type };
    }
    const first = req.tbsRequest.requestList[0];
    const ca = first ? await issuerForCertId(first.reqCert) : undefined;
    if (!pki || !ca) return { status: 200, body: ocspStatusOnly(6), type };

    // Certificates issued by the intermediate are answered by the delegated responder; the
    // intermediate's own status by the root itself. 'wrong-signer' signs with an unrelated key.
    const delegated = ca === pki.intermediate;
    const signerEntity = mode === 'wrong-signer' ? pki.signers.rsa2048 : delegated ? responder ?? pki.ocsp : ca;
    const now = wholeSeconds(new Date());
    const responses: pkijs.SingleResponse[] = [];
    for (const r of req.tbsRequest.requestList) {
      const serial = normSerial(hexOf(new Uint8Array(r.reqCert.serialNumber.valueBlock.valueHexView)));
      let certStatus: asn1js.BaseBlock;
      const rev = revoked.get(serial);
      if (unknown.has(serial)) certStatus = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
      else if (rev) {
        const parts: asn1js.AsnType[] = [new asn1js.GeneralizedTime({ valueDate: wholeSeconds(rev.date) })];
        if (rev.reason !== undefined) parts.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: rev.reason })] }));
        certStatus = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: parts });
      } else certStatus = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
      responses.push(new pkijs.SingleResponse({
        certID: r.reqCert, certStatus, thisUpdate: new Date(now.getTime() - 60_000), nextUpdate: new Date(now.getTime() + 24 * 3600_000),
      }));
    }
    const basic = new pkijs.BasicOCSPResponse();
    const keyId = await digest('SHA-1', new Uint8Array(signerEntity.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
    basic.tbsResponseData.responderID = new asn1js.OctetString({ valueHex: toArrayBuffer(keyId) });
    basic.tbsResponseData.producedAt = now;
    basic.tbsResponseData.responses = responses;
    const nonce = req.tbsRequest.requestExtensions?.find((e) => e.extnID === OID.ocspNonce);
    if (nonce) basic.tbsResponseData.responseExtensions = [new pkijs.Extension({ extnID: OID.ocspNonce, extnValue: toArrayBuffer(nonce.extnValue.valueBlock.valueHexView) })];
    if (signerEntity !== ca) basic.certs = [signerEntity.cert];
    await basic.sign(signerEntity.privateKey, signerEntity.keyType === 'p384' ? 'SHA-384' : 'SHA-256');
    const resp = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: 0 }),
      responseBytes: new pkijs.ResponseBytes({ responseType: OID.ocspBasic, response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
    });
    return { status: 200, body: new Uint8Array(resp.toSchema().toBER(false)), type };
  }

  async function buildCrl(ca: TestEntity): Promise<Uint8Array> {
    const now = wholeSeconds(new Date());
    const crl = new pkijs.CertificateRevocationList();
    crl.version = 1;
    crl.issuer = ca.cert.subject;
    crl.thisUpdate = new pkijs.Time({ type: 0, value: new Date(now.getTime() - 60_000) });
    crl.nextUpdate = new pkijs.Time({ type: 0, value: new Date(now.getTime() + 7 * 24 * 3600_000) });
    // Every revoked serial is listed by both CAs' CRLs only if that CA issued it; we cannot tell
    // from a serial alone, so list each serial in the CRL of the CA that issued the known entity.
    const entries: pkijs.RevokedCertificate[] = [];
    for (const [serial, info] of revoked) {
      const owner = ownerOf(serial);
      if (owner && owner !== ca) continue;
      const entryExt = info.reason !== undefined
        ? { crlEntryExtensions: new pkijs.Extensions({ extensions: [new pkijs.Extension({ extnID: '2.5.29.21', extnValue: new asn1js.Enumerated({ value: info.reason }).toBER(false) })] }) }
        : {};
      entries.push(new pkijs.RevokedCertificate({
        userCertificate: new asn1js.Integer({ valueHex: new Uint8Array(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex')).buffer }),
        revocationDate: new pkijs.Time({ type: 0, value: wholeSeconds(info.date) }),
        ...entryExt,
      }));
    }
    if (entries.length) crl.revokedCertificates = entries;
    const aki = await digest('SHA-1', new Uint8Array(ca.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
    crl.crlExtensions = new pkijs.Extensions({
      extensions: [
        new pkijs.Extension({ extnID: '2.5.29.20', extnValue: new asn1js.Integer({ value: crlNumber++ }).toBER(false) }),
        new pkijs.Extension({ extnID: '2.5.29.35', extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(aki) }) }).toSchema().toBER(false) }),
      ],
    });
    await crl.sign(ca.privateKey, ca.keyType === 'p384' ? 'SHA-384' : 'SHA-256');
    return new Uint8Array(crl.toSchema(true).toBER(false));
  }

  function ownerOf(serial: string): TestEntity | undefined {
    if (!pki) return undefined;
    const all: TestEntity[] = [pki.intermediate, pki.tsa, pki.ocsp, ...Object.values(pki.signers)];
    const e = all.find((x) => normSerial(x.serialHex) === serial);
    return e?.issuer;
  }

  async function route(method: string, path: string, body: Uint8Array): Promise<{ status: number; body: Uint8Array; type: string }> {
    const notFound = { status: 404, body: new Uint8Array(), type: 'text/plain' };
    const down = { status: 503, body: new TextEncoder().encode('unavailable'), type: 'text/plain' };
    if (path === '/ocsp' || path.startsWith('/ocsp/')) {
      hits.ocsp++;
      if (mode === 'down') return down;
      if (method === 'POST') return answerOcsp(body);
      const b64 = decodeURIComponent(path.slice('/ocsp/'.length));
      return answerOcsp(new Uint8Array(Buffer.from(b64, 'base64')));
    }
    if (!pki) return notFound;
    const ca = path.endsWith('/root.crl') || path.endsWith('/root.cer') ? pki.root : path.endsWith('/intermediate.crl') || path.endsWith('/intermediate.cer') ? pki.intermediate : undefined;
    if (!ca) return notFound;
    if (path.startsWith('/crl/')) {
      hits.crl++;
      if (mode === 'down') return down;
      return { status: 200, body: await buildCrl(ca), type: 'application/pkix-crl' };
    }
    if (path.startsWith('/ca/')) {
      hits.ca++;
      if (mode === 'down') return down;
      return { status: 200, body: ca.der, type: 'application/pkix-cert' };
    }
    return notFound;
  }

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    readBody(req).then((body) => route(req.method ?? 'GET', path, body)).then((r) => {
      res.writeHead(r.status, { 'content-type': r.type, 'content-length': r.body.length });
      res.end(r.body);
    }).catch(() => { res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pkiOptions = { ocspUrl: `${baseUrl}/ocsp`, crlBaseUrl: `${baseUrl}/crl`, caIssuersBaseUrl: `${baseUrl}/ca` };
  return {
    baseUrl, ...pkiOptions, pkiOptions,
    attach(p) { pki = p; },
    revoke(serial, o = {}) { revoked.set(normSerial(serial), { date: o.date ?? new Date(Date.now() - 3600_000), reason: o.reason }); },
    markUnknown(serial) { unknown.add(normSerial(serial)); },
    setMode(m) { mode = m; },
    setResponder(e) { responder = e; },
    get hits() { return hits; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
