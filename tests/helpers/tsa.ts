// RFC 3161 timestamp authority for tests, on 127.0.0.1 with a random port. Answers POSTed
// TimeStampReqs with a TimeStampToken signed by the test PKI's TSA certificate (critical EKU
// timeStamping), built with pkijs and the project's own SignedData builder. A mode switch
// produces the failures clients must handle (refusal, HTTP error, garbage, wrong nonce/imprint).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { HashAlgorithm, Signer } from '../../src-shared/sign/signer';
import { buildSignedData } from '../../src-shared/cms/signed-data';
import { toArrayBuffer } from '../../src-shared/crypto/bytes';
import { digest } from '../../src-shared/crypto/hash';
import { OID } from '../../src-shared/crypto/oids';
import { signerFor, type TestEntity } from './pki';
import { readBody } from './http';

export type TsaMode = 'ok' | 'reject' | 'http-500' | 'garbage' | 'wrong-nonce' | 'wrong-imprint';

export interface TsaServer {
  /** POST endpoint, e.g. http://127.0.0.1:41234/tsa */
  url: string;
  /** Number of requests answered so far. */
  readonly requests: number;
  /** Change behaviour for the next requests. */
  setMode(mode: TsaMode): void;
  close(): Promise<void>;
}

export interface TsaOptions {
  /** Policy OID put into TSTInfo (default 1.3.6.1.4.1.99999.1.1, a test arc). */
  policy?: string;
  /** Hash for the token's own SignerInfo (default SHA-256). */
  hash?: HashAlgorithm;
  /** Embed intermediate and root too, not only the TSA certificate (default true). */
  includeChain?: boolean;
  /** Clock for genTime (default: now). */
  now?: () => Date;
}

export const TEST_TSA_POLICY = '1.3.6.1.4.1.99999.1.1';

function statusOnly(status: number, text?: string, failBit?: number): Uint8Array {
  const parts: asn1js.AsnType[] = [new asn1js.Integer({ value: status })];
  if (text) parts.push(new asn1js.Sequence({ value: [new asn1js.Utf8String({ value: text })] }));
  if (failBit !== undefined) {
    const bytes = new Uint8Array(Math.floor(failBit / 8) + 1);
    bytes[failBit >> 3] = 0x80 >> (failBit & 7);
    parts.push(new asn1js.BitString({ valueHex: bytes.buffer, unusedBits: 7 - (failBit & 7) }));
  }
  return new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: parts })] }).toBER(false));
}

/** Start the TSA. `tsa` is normally `pki.tsa` from makeTestPki. */
export async function startTsa(tsa: TestEntity, opts: TsaOptions = {}): Promise<TsaServer> {
  const signer: Signer = await signerFor(tsa);
  const policy = opts.policy ?? TEST_TSA_POLICY;
  const hash = opts.hash ?? 'SHA-256';
  let mode: TsaMode = 'ok';
  let requests = 0;
  let serial = 1000;

  async function answer(body: Uint8Array): Promise<{ status: number; body: Uint8Array }> {
    if (mode === 'http-500') return { status: 500, body: new TextEncoder().encode('internal error') };
    if (mode === 'garbage') return { status: 200, body: new TextEncoder().encode('<html>not a timestamp</html>') };
    let req: pkijs.TimeStampReq;
    try {
      req = pkijs.TimeStampReq.fromBER(toArrayBuffer(body));
    } catch {
      return { status: 200, body: statusOnly(2, 'bad request', 2) };
    }
    if (mode === 'reject') return { status: 200, body: statusOnly(2, 'policy not accepted', 15) };

    let imprint = req.messageImprint;
    if (mode === 'wrong-imprint') {
      const h = new Uint8Array(imprint.hashedMessage.valueBlock.valueHexView);
      h[0] ^= 0xff;
      imprint = new pkijs.MessageImprint({ hashAlgorithm: imprint.hashAlgorithm, hashedMessage: new asn1js.OctetString({ valueHex: h.buffer }) });
    }
    let nonce = req.nonce;
    if (nonce && mode === 'wrong-nonce') nonce = new asn1js.Integer({ value: 42 });
    const tst = new pkijs.TSTInfo({
      version: 1,
      policy,
      messageImprint: imprint,
      serialNumber: new asn1js.Integer({ value: ++serial }),
      // Whole seconds: DER forbids trailing zeros in fractions, and accuracy is one second anyway.
      genTime: new Date(Math.floor((opts.now ? opts.now() : new Date()).getTime() / 1000) * 1000),
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ...(nonce ? { nonce } : {}),
    });
    const eContent = new Uint8Array(tst.toSchema().toBER(false));
    const certificates = req.certReq ? (opts.includeChain ?? true) ? [tsa.der, ...chainDers(tsa)] : [tsa.der] : [];
    const token = await buildSignedData({
      signer, hash, scheme: signer.key.type === 'ec' ? { kind: 'ecdsa' } : { kind: 'rsa-pkcs1v15' },
      eContentType: OID.tstInfo, eContent, messageDigest: await digest(hash, eContent), certificates,
    });
    const tokenAsn = asn1js.fromBER(toArrayBuffer(token)).result;
    const resp = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Integer({ value: 0 })] }), tokenAsn] });
    return { status: 200, body: new Uint8Array(resp.toBER(false)) };
  }

  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') { res.writeHead(405).end(); return; }
    readBody(req).then(answer).then(({ status, body }) => {
      requests++;
      res.writeHead(status, { 'content-type': status === 200 ? 'application/timestamp-reply' : 'text/plain', 'content-length': body.length });
      res.end(body);
    }).catch(() => { res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() { return requests; },
    setMode(m) { mode = m; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }).finally(() => signer.close()),
  };
}

function chainDers(e: TestEntity): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let c = e.issuer; c; c = c.issuer) out.push(c.der);
  return out;
}
