// CAdES-T: put an RFC 3161 token over the SignerInfo's signature value into the unsigned
// attribute id-aa-signatureTimeStampToken. Nothing signed changes, so the signature stays valid.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { VanthuError } from '../errors';
import { bytesEqual, toArrayBuffer } from '../crypto/bytes';
import { digest } from '../crypto/hash';
import { OID } from '../crypto/oids';
import type { HttpPost } from './net';
import { encodeSignedData, parseSignedData } from './signed-data';
import { readTimestampToken, requestTimestamp, type TimestampOptions } from './timestamp';
import type { HashAlgorithm } from '../sign/signer';

/** The signature value of SignerInfo `index` (what the signature timestamp covers). */
export function signatureValue(cmsDer: Uint8Array, index = 0): Uint8Array {
  const sd = parseSignedData(cmsDer);
  return new Uint8Array(sd.signerInfos[index].signature.valueBlock.valueHexView);
}

/** Add (or replace) the signature-time-stamp unsigned attribute; checks the token's imprint. */
export async function addSignatureTimestamp(cmsDer: Uint8Array, token: Uint8Array, index = 0): Promise<Uint8Array> {
  const sd = parseSignedData(cmsDer);
  const si = sd.signerInfos[index];
  const info = readTimestampToken(token);
  if (info.hash === 'SHA-1') throw mismatch();
  const expected = await digest(info.hash, new Uint8Array(si.signature.valueBlock.valueHexView));
  if (!bytesEqual(expected, info.imprint)) throw mismatch();

  const tokenAsn = asn1js.fromBER(toArrayBuffer(token));
  const attr = new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [tokenAsn.result] });
  const others = si.unsignedAttrs?.attributes.filter((a) => a.type !== OID.signatureTimeStampToken) ?? [];
  si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [...others, attr] });
  const out = encodeSignedData(sd);
  // Re-encoding must not touch what was signed.
  const before = parseSignedData(cmsDer).signerInfos[index];
  const after = parseSignedData(out).signerInfos[index];
  if (!bytesEqual(new Uint8Array(before.signedAttrs!.encodedValue), new Uint8Array(after.signedAttrs!.encodedValue))) {
    throw new VanthuError('CMS_REENCODE', 'Không thể thêm dấu thời gian mà giữ nguyên chữ ký.', 'Cannot add the timestamp without changing the signed data.');
  }
  return out;
}

/** Request a signature timestamp from `url` and add it: CAdES-B → CAdES-T (PAdES B-T). */
export async function timestampSignature(cmsDer: Uint8Array, post: HttpPost, url: string, hash: HashAlgorithm = 'SHA-256', opts?: TimestampOptions): Promise<Uint8Array> {
  const token = await requestTimestamp(post, url, { data: signatureValue(cmsDer) }, hash, opts);
  return addSignatureTimestamp(cmsDer, token);
}

/** The signature timestamp token of SignerInfo `index`, if present. */
export function signatureTimestampToken(cmsDer: Uint8Array, index = 0): Uint8Array | undefined {
  const sd = parseSignedData(cmsDer);
  const attr = sd.signerInfos[index].unsignedAttrs?.attributes.find((a) => a.type === OID.signatureTimeStampToken);
  return attr ? new Uint8Array(attr.values[0].toBER(false)) : undefined;
}

function mismatch(): VanthuError {
  return new VanthuError('TST_MISMATCH', 'Dấu thời gian không khớp với giá trị chữ ký.', 'The timestamp does not cover this signature value.');
}
