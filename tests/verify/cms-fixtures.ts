// Fixtures for the CMS format and algorithm tests: a small CA driven by the openssl CLI (root →
// leaves on any key type openssl can generate, a TSA, the root's CRL in a revocation-cache
// directory so verification can run offline), `openssl cms -sign` over real byte ranges, a writer
// that reserves /Contents in an incremental update, computes the ByteRange and puts a CMS made by
// an external tool into it, and byte-level helpers that tamper with the covered bytes or with
// parts of the CMS (signature value, algorithm OIDs) in place.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BytesSource } from '../../src-shared/pdf/bytesource';
import { PdfDict, PdfName, type PdfValue } from '../../src-shared/pdf/objects';
import { PdfReader } from '../../src-shared/pdf/reader';
import { pdfDate } from '../../src-shared/pdf/serialize';
import { IncrementalWriter } from '../../src-shared/pdf/writer';
import { addSignatureField } from '../../src-shared/pades/field';
import { BYTERANGE_MARK, CONTENTS_MARK, byteRangePlaceholder, contentsPlaceholder, fillContents, patchByteRange } from '../../src-shared/pades/placeholder';
import { readHeader } from '../../src-shared/pki/der';

export interface Leaf {
  name: string;
  pem: string;
  key: string;
  der: Uint8Array;
}

const run = (cwd: string, args: string[], input?: Uint8Array): Buffer =>
  execFileSync('openssl', args, { cwd, input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], maxBuffer: 256 << 20 });

/** Key generation arguments for `openssl genpkey` by a short name. */
export const KEYS: Record<string, string[]> = {
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  rsapss: ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:named_curve'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-pkeyopt', 'ec_param_enc:named_curve'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521', '-pkeyopt', 'ec_param_enc:named_curve'],
  p224: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp224r1', '-pkeyopt', 'ec_param_enc:named_curve'],
  bp256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1', '-pkeyopt', 'ec_param_enc:named_curve'],
  bp384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP384r1', '-pkeyopt', 'ec_param_enc:named_curve'],
  bp512: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP512r1', '-pkeyopt', 'ec_param_enc:named_curve'],
  ed25519: ['-algorithm', 'ED25519'],
  ed448: ['-algorithm', 'ED448'],
};

/** root CA (RSA 2048) → leaves issued directly by it; the root's CRL in `cacheDir/crl/`. */
export class OpensslPki {
  readonly root: Leaf;
  readonly cacheDir: string;
  private serial = 0x1000;

  constructor(readonly dir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    this.cacheDir = path.join(dir, 'cache');
    mkdirSync(path.join(this.cacheDir, 'crl'), { recursive: true });
    writeFileSync(path.join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
    writeFileSync(path.join(dir, 'leaf.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    writeFileSync(path.join(dir, 'tsa.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
    writeFileSync(path.join(dir, 'index.txt'), '');
    writeFileSync(path.join(dir, 'crlnumber'), '01\n');
    writeFileSync(path.join(dir, 'ca.cnf'), [
      '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `database = ${path.join(dir, 'index.txt')}`,
      `crlnumber = ${path.join(dir, 'crlnumber')}`, 'default_md = sha256', 'default_crl_days = 30',
      'crl_extensions = crl_ext', '[ crl_ext ]', 'authorityKeyIdentifier = keyid:always', '',
      '[ tsa ]', 'default_tsa = tsa_config', '[ tsa_config ]', `serial = ${path.join(dir, 'tsaserial')}`,
      'default_policy = 1.3.6.1.4.1.99999.2.1', 'digests = sha256, sha384, sha512', 'accuracy = secs:1', 'ess_cert_id_alg = sha256', '',
    ].join('\n'));
    writeFileSync(path.join(dir, 'tsaserial'), '01\n');
    run(dir, ['genpkey', ...KEYS.rsa2048, '-out', 'root.key']);
    run(dir, ['req', '-new', '-key', 'root.key', '-subj', '/C=VN/O=Thử nghiệm CMS/CN=CMS Test Root', '-utf8', '-out', 'root.csr']);
    run(dir, ['x509', '-req', '-in', 'root.csr', '-signkey', 'root.key', '-days', '60', '-sha256', '-extfile', 'ca.ext', '-set_serial', '1', '-out', 'root.pem']);
    this.root = this.load('root');
    this.writeCrl();
  }

  private load(name: string): Leaf {
    const pem = path.join(this.dir, `${name}.pem`);
    return { name, pem, key: path.join(this.dir, `${name}.key`), der: new Uint8Array(run(this.dir, ['x509', '-in', pem, '-outform', 'DER'])) };
  }

  /** A certificate issued by the root for a new key of type `key` (see KEYS; also 'dsa2048'). */
  leaf(name: string, key: keyof typeof KEYS | string, opts: { tsa?: boolean; cn?: string; serial?: string } = {}): Leaf {
    const d = this.dir;
    if (key === 'dsa2048') {
      run(d, ['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-pkeyopt', 'dsa_paramgen_q_bits:256', '-out', `${name}.param`]);
      run(d, ['genpkey', '-paramfile', `${name}.param`, '-out', `${name}.key`]);
    } else {
      run(d, ['genpkey', ...KEYS[key], '-out', `${name}.key`]);
    }
    run(d, ['req', '-new', '-key', `${name}.key`, '-subj', `/C=VN/O=Thử nghiệm CMS/CN=${opts.cn ?? name}`, '-utf8', '-out', `${name}.csr`]);
    run(d, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', opts.serial ?? String(this.serial++), '-days', '30', '-sha256',
      '-extfile', opts.tsa ? 'tsa.ext' : 'leaf.ext', '-out', `${name}.pem`]);
    return this.load(name);
  }

  /** (Re)write the root's CRL (no entries) into cacheDir/crl/. */
  writeCrl(): void {
    run(this.dir, ['ca', '-gencrl', '-config', 'ca.cnf', '-keyfile', 'root.key', '-cert', 'root.pem', '-out', 'root.crl.pem']);
    writeFileSync(path.join(this.cacheDir, 'crl', 'root.crl'), run(this.dir, ['crl', '-in', 'root.crl.pem', '-outform', 'DER']));
  }

  /** `openssl cms -sign` over `content` (detached unless `-nodetach` is among `args`); DER or BER output. */
  cmsSign(content: Uint8Array, signers: Leaf | Leaf[], args: string[] = []): Uint8Array {
    const d = this.dir;
    const tag = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(path.join(d, `content-${tag}.bin`), content);
    const who = (Array.isArray(signers) ? signers : [signers]).flatMap((s) => ['-signer', s.pem, '-inkey', s.key]);
    run(d, ['cms', '-sign', '-binary', '-in', `content-${tag}.bin`, ...who, '-outform', 'DER', '-out', `cms-${tag}.der`, ...args]);
    const out = new Uint8Array(readFileSync(path.join(d, `cms-${tag}.der`)));
    rmSync(path.join(d, `content-${tag}.bin`));
    rmSync(path.join(d, `cms-${tag}.der`));
    return out;
  }

  /** An RFC 3161 token from `openssl ts -reply` by `tsa` over the SHA-256 of `data`. */
  timestampToken(data: Uint8Array, tsa: Leaf): Uint8Array {
    const d = this.dir;
    writeFileSync(path.join(d, 'ts-data.bin'), data);
    run(d, ['ts', '-query', '-data', 'ts-data.bin', '-sha256', '-cert', '-out', 'ts.tsq']);
    run(d, ['ts', '-reply', '-config', 'ca.cnf', '-queryfile', 'ts.tsq', '-signer', tsa.pem, '-inkey', tsa.key, '-chain', this.root.pem, '-token_out', '-out', 'ts.tst']);
    return new Uint8Array(readFileSync(path.join(d, 'ts.tst')));
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface Embedded {
  bytes: Uint8Array;
  byteRange: [number, number, number, number];
  /** Offset of the first hex digit of /Contents in `bytes`. */
  hexStart: number;
}

/**
 * Append a signature field to `base` whose /Contents is made by `sign` over the two byte ranges
 * (everything but the /Contents hex string), as an incremental update.
 */
export async function embedCms(
  base: Uint8Array,
  sign: (covered: Uint8Array) => Uint8Array | Promise<Uint8Array>,
  opts: { subFilter?: string; type?: 'Sig' | 'DocTimeStamp'; fieldName?: string; contentsSize?: number } = {},
): Promise<Embedded> {
  const size = opts.contentsSize ?? 16_384;
  const reader = PdfReader.open(new BytesSource(base));
  const w = new IncrementalWriter(reader);
  const dict = new PdfDict({
    Type: new PdfName(opts.type ?? 'Sig'),
    Filter: new PdfName('Adobe.PPKLite'),
    SubFilter: new PdfName(opts.subFilter ?? 'adbe.pkcs7.detached'),
    M: pdfDate(new Date()),
  });
  dict.set('ByteRange', byteRangePlaceholder() as unknown as PdfValue);
  dict.set('Contents', contentsPlaceholder(size) as unknown as PdfValue);
  const sigRef = w.add(dict);
  addSignatureField(reader, w, sigRef, { fieldName: opts.fieldName });
  const built = w.build();
  const tail = built.bytes;
  const placed = patchByteRange(tail, base.length, built.marks.get(BYTERANGE_MARK)!, built.marks.get(CONTENTS_MARK)!, size);
  const whole = concatBytes(base, tail);
  const [a, b, c, d] = placed.byteRange;
  const cms = await sign(concatBytes(whole.subarray(a, a + b), whole.subarray(c, c + d)));
  fillContents(tail, base.length, placed, cms);
  return { bytes: concatBytes(base, tail), byteRange: placed.byteRange, hexStart: placed.contentsStart + 1 };
}

/** The CMS held in /Contents (as written: zero padding cut after the outer element). */
export function contentsOf(e: Embedded): Uint8Array {
  const hex = new TextDecoder('latin1').decode(e.bytes.subarray(e.hexStart, e.byteRange[2] - 1));
  const raw = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  return raw.subarray(0, berLength(raw, 0));
}

/** The same file with /Contents replaced by `cms` (padded with zeros to the reserved size). */
export function withContents(e: Embedded, cms: Uint8Array): Uint8Array {
  const room = (e.byteRange[2] - 1 - e.hexStart) / 2;
  if (cms.length > room) throw new Error('CMS larger than /Contents');
  const out = e.bytes.slice();
  const hex = Array.from(cms, (b) => b.toString(16).padStart(2, '0')).join('').padEnd(room * 2, '0');
  for (let i = 0; i < hex.length; i++) out[e.hexStart + i] = hex.charCodeAt(i);
  return out;
}

/** A copy of `bytes` with one byte flipped inside the data of a stream that starts before `end`. */
export function flipInStream(bytes: Uint8Array, end: number): Uint8Array {
  const out = bytes.slice();
  // inside a stream's data, so the file still parses
  const text = new TextDecoder('latin1').decode(out.subarray(0, end));
  const m = /stream\r?\n/.exec(text);
  if (!m) throw new Error('no stream in the covered range');
  out[m.index + m[0].length + 4] ^= 0x01;
  return out;
}

/** A copy with one byte flipped inside the first covered range (in the base document's body). */
export function flipCovered(e: Embedded): Uint8Array {
  return flipInStream(e.bytes, e.byteRange[1]);
}

/** Length of the BER element at `off` (definite or indefinite). */
export function berLength(b: Uint8Array, off: number): number {
  const h = readHeader(b, off, b.length, true);
  if (h.len !== null) return h.hl + h.len;
  let p = off + h.hl;
  while (!(b[p] === 0 && b[p + 1] === 0)) p += berLength(b, p);
  return p + 2 - off;
}

interface Node { off: number; hl: number; len: number; tag: number; cls: number; cons: boolean; kids: Node[] }

/** A BER tree of `b` (offsets into b), for locating parts to tamper with. */
export function berTree(b: Uint8Array, off = 0, end = b.length): Node {
  const h = readHeader(b, off, end, true);
  const len = berLength(b, off) - h.hl;
  const n: Node = { off, hl: h.hl, len, tag: h.tag, cls: h.cls, cons: h.cons, kids: [] };
  if (h.cons) {
    let p = off + h.hl;
    const stop = off + h.hl + len - (h.len === null ? 2 : 0);
    while (p < stop) {
      const k = berTree(b, p, end);
      n.kids.push(k);
      p = k.off + k.hl + k.len;
    }
  }
  return n;
}

/** The SignerInfos of a CMS ContentInfo (tree nodes). */
export function signerInfos(cms: Uint8Array): Node[] {
  const sd = berTree(cms).kids[1].kids[0];
  return sd.kids[sd.kids.length - 1].kids;
}

/** Copy of `cms` with the last byte of SignerInfo `i`'s signature value flipped. */
export function alterSignatureValue(cms: Uint8Array, i = 0): Uint8Array {
  const si = signerInfos(cms)[i];
  const sig = si.kids.find((k) => k.cls === 0 && k.tag === 4)!;
  const out = cms.slice();
  out[sig.off + sig.hl + sig.len - 1] ^= 0x01;
  return out;
}

/** Copy of `cms` with SignerInfo `i`'s signatureAlgorithm OID's last byte replaced by `lastByte`. */
export function patchSignatureAlgorithm(cms: Uint8Array, lastByte: number, i = 0): { cms: Uint8Array; oid: string } {
  const si = signerInfos(cms)[i];
  const sigIdx = si.kids.findIndex((k) => k.cls === 0 && k.tag === 4);
  const alg = si.kids[sigIdx - 1];
  const oidNode = alg.kids[0];
  const out = cms.slice();
  out[oidNode.off + oidNode.hl + oidNode.len - 1] = lastByte;
  return { cms: out, oid: oidString(out.subarray(oidNode.off + oidNode.hl, oidNode.off + oidNode.hl + oidNode.len)) };
}

export function oidString(c: Uint8Array): string {
  const parts: number[] = [];
  let v = 0;
  for (const x of c) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      if (parts.length === 0) parts.push(Math.min(2, Math.floor(v / 40)), v - 40 * Math.min(2, Math.floor(v / 40)));
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Is the CMS BER with at least one indefinite length (what `-stream` writes)? */
export function hasIndefiniteLength(cms: Uint8Array): boolean {
  const walk = (n: Node): boolean => readHeader(cms, n.off, cms.length, true).len === null || n.kids.some(walk);
  return walk(berTree(cms));
}

/** DER length octets. */
function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

/** A TLV with identifier octet `tag` around `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concatBytes(...parts);
  return concatBytes(new Uint8Array([tag, ...derLength(body.length)]), body);
}

/**
 * Replace the element of `buf` (DER) that starts at `off` and is `len` bytes long by `replacement`,
 * re-encoding the lengths of every element around it.
 */
export function replaceElement(buf: Uint8Array, off: number, len: number, replacement: Uint8Array): Uint8Array {
  const rebuild = (n: Node): Uint8Array => {
    const end = n.off + n.hl + n.len;
    if (n.off === off && end === off + len) return replacement;
    if (!(n.off <= off && off + len <= end) || n.kids.length === 0) return buf.subarray(n.off, end);
    let idLen = 1;
    if ((buf[n.off] & 0x1f) === 0x1f) while (buf[n.off + idLen++] & 0x80);
    const body = concatBytes(...n.kids.map(rebuild));
    return concatBytes(buf.subarray(n.off, n.off + idLen), new Uint8Array(derLength(body.length)), body);
  };
  return rebuild(berTree(buf));
}

/** Index of `needle` in `hay`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The certificate `der` re-issued by the root with its serial number INTEGER written with a
 * redundant leading 0x00 (not DER) and signed over exactly those TBS bytes.
 */
export function withPaddedSerial(pki: OpensslPki, der: Uint8Array): Uint8Array {
  const cert = berTree(der);
  const tbsNode = cert.kids[0];
  const tbs = der.subarray(tbsNode.off, tbsNode.off + tbsNode.hl + tbsNode.len);
  const t = berTree(tbs);
  const serial = t.kids[0].cls === 2 ? t.kids[1] : t.kids[0];
  const content = tbs.subarray(serial.off + serial.hl, serial.off + serial.hl + serial.len);
  const padded = tlv(0x02, new Uint8Array([0]), content);
  const newTbs = replaceElement(tbs, serial.off, serial.hl + serial.len, padded);
  const sig = new Uint8Array(execFileSync('openssl', ['dgst', '-sha256', '-sign', pki.root.key, '-binary'], { input: newTbs }));
  const algNode = cert.kids[1];
  return tlv(0x30, newTbs, der.subarray(algNode.off, algNode.off + algNode.hl + algNode.len), tlv(0x03, new Uint8Array([0]), sig));
}

/** Bouncy Castle's CMS generator (tests/verify/bc/CmsSign.java), compiled once into `dir`. */
export class BcSigner {
  private readonly cp: string;
  constructor(private readonly dir: string) {
    const classes = path.join(dir, 'bc-classes');
    mkdirSync(classes, { recursive: true });
    this.cp = ['/usr/share/java/bcprov.jar', '/usr/share/java/bcpkix.jar', '/usr/share/java/bcutil.jar', classes].join(':');
    execFileSync('javac', ['-d', classes, '-cp', this.cp, path.join(__dirname, 'bc/CmsSign.java')], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** CMS over `content` by `signers` (leaf and JCA algorithm name each), with CmsSign's `args`. */
  sign(content: Uint8Array, signers: Array<[Leaf, string]>, args: string[] = []): Uint8Array {
    const tag = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const inFile = path.join(this.dir, `bc-in-${tag}.bin`);
    const outFile = path.join(this.dir, `bc-out-${tag}.der`);
    writeFileSync(inFile, content);
    const who = signers.flatMap(([l, alg]) => ['--signer', l.pem, l.key, alg]);
    execFileSync('java', ['-cp', this.cp, 'CmsSign', '--in', inFile, '--out', outFile, ...who, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = new Uint8Array(readFileSync(outFile));
    rmSync(inFile);
    rmSync(outFile);
    return out;
  }
}

/** DER OBJECT IDENTIFIER for a dotted OID. */
export function oidTlv(oid: string): Uint8Array {
  const p = oid.split('.').map(Number);
  const bytes: number[] = [];
  for (const v of [p[0] * 40 + p[1], ...p.slice(2)]) {
    const tmp = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) tmp.unshift((x & 0x7f) | 0x80);
    bytes.push(...tmp);
  }
  return tlv(0x06, new Uint8Array(bytes));
}
