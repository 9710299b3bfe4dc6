// Every user-facing verification message, in Vietnamese and English, keyed by a stable code.
// Validators call `finding(code, severity, params)`; nothing else builds report text.

import type { Finding, Indication, Severity, SubIndication } from './report';

type Params = Record<string, string | number>;
type Template = { vi: string; en: string };

const T: Record<string, Template> = {
  // ByteRange / structure (Universal Signature Forgery, Signature Wrapping)
  SIG_UNREACHABLE: { vi: 'Có một từ điển chữ ký (đối tượng {object}, byte {offset}) nhưng cấu trúc tài liệu bị hỏng, không dẫn tới nó: chữ ký không hợp lệ.', en: 'A signature dictionary is in the file (object {object}, byte {offset}) but the broken document structure does not lead to it: it fails.' },
  SIG_DAMAGED: { vi: 'Có chữ ký nhưng không đọc được như quy định ({detail}): chữ ký không hợp lệ.', en: 'A signature is present but cannot be read as it must be ({detail}): it fails.' },
  NO_CONTENTS: { vi: 'Chữ ký không có /Contents hoặc /Contents rỗng.', en: 'The signature has no /Contents or an empty /Contents.' },
  NO_BYTERANGE: { vi: 'Chữ ký không có /ByteRange hợp lệ.', en: 'The signature has no valid /ByteRange.' },
  BYTERANGE_NOT_FOUR: { vi: '/ByteRange phải có đúng 4 số nguyên không âm (có {n}).', en: '/ByteRange must hold exactly 4 non-negative integers (it holds {n}).' },
  BYTERANGE_NOT_AT_ZERO: { vi: '/ByteRange không bắt đầu từ byte 0.', en: '/ByteRange does not start at byte 0.' },
  BYTERANGE_OVERLAP: { vi: 'Các đoạn của /ByteRange chồng lên nhau hoặc sai thứ tự.', en: 'The /ByteRange segments overlap or are out of order.' },
  BYTERANGE_BEYOND_EOF: { vi: '/ByteRange vượt quá cuối tệp.', en: '/ByteRange reaches beyond the end of the file.' },
  BYTERANGE_GAP_NOT_CONTENTS: { vi: 'Khoảng trống trong /ByteRange không đúng bằng chuỗi /Contents (nghi ngờ tấn công bao gói chữ ký).', en: 'The /ByteRange gap is not exactly the /Contents string (possible signature wrapping attack).' },
  BYTERANGE_NOT_REVISION_END: { vi: '/ByteRange không phủ đến cuối phiên bản (revision) của tệp.', en: '/ByteRange does not cover up to the end of a revision of the file.' },
  XREF_ENTRY_REPAIRED: { vi: 'Trong phần tài liệu được ký (đến phiên bản {rev}), mục tham chiếu chéo của đối tượng {objects} không dẫn tới đối tượng đó; trình đọc phải dò tìm để sửa, và các trình đọc khác nhau có thể hiện nội dung khác nhau: chữ ký không hợp lệ.', en: 'In what was signed (revisions 1 to {rev}), the cross-reference entry of object(s) {objects} does not lead to that object; readers must repair it by scanning and may show different content: it fails.' },
  NOT_WHOLE_DOCUMENT: { vi: 'Chữ ký chỉ phủ phiên bản {rev}/{total}; có {n} lần cập nhật sau khi ký.', en: 'The signature covers revision {rev}/{total}; {n} update(s) were made after signing.' },
  // CMS
  CMS_UNPARSEABLE: { vi: 'Không đọc được cấu trúc CMS của chữ ký: {detail}.', en: 'The CMS structure of the signature cannot be parsed: {detail}.' },
  CMS_NO_SIGNER: { vi: 'CMS không có thông tin người ký (SignerInfo) nào.', en: 'The CMS holds no SignerInfo.' },
  CMS_OTHER_SIGNER: { vi: 'SignerInfo thứ {n} ({who}): {status_vi}.{why}', en: 'SignerInfo {n} ({who}) {status}.{why}' },
  CMS_TRAILING_DATA: { vi: '/Contents có dữ liệu thừa sau cấu trúc CMS (bỏ qua, không thuộc phần được ký).', en: '/Contents holds data after the CMS structure (ignored: nothing signs it).' },
  CMS_DIGEST_ALG_IS_SIGNATURE_ALG: { vi: 'Trường digestAlgorithm ghi một thuật toán chữ ký ({alg}); dùng hàm băm {hash} của nó.', en: 'The digestAlgorithm field names a signature algorithm ({alg}); its hash {hash} is used.' },
  ALGORITHM_UNSUPPORTED: { vi: 'Không kiểm tra được chữ ký: chưa hỗ trợ thuật toán {alg} (OID {oid}).', en: 'The signature cannot be checked: the algorithm {alg} is not supported (OID {oid}).' },
  CMS_NO_SIGNER_CERT: { vi: 'Không tìm thấy chứng thư số của người ký trong chữ ký.', en: 'The signer certificate is not in the signature.' },
  CMS_NO_SIGNED_ATTRS: { vi: 'Chữ ký không có thuộc tính được ký (signed attributes) như PAdES yêu cầu.', en: 'The signature has no signed attributes, which PAdES requires.' },
  CMS_NO_MESSAGE_DIGEST: { vi: 'Thiếu thuộc tính message-digest.', en: 'The message-digest attribute is missing.' },
  CMS_BAD_CONTENT_TYPE: { vi: 'Thuộc tính content-type không phải id-data.', en: 'The content-type attribute is not id-data.' },
  CMS_ECONTENT_PRESENT: { vi: 'Chữ ký tách rời lại chứa nội dung nhúng (eContent).', en: 'A detached signature carries embedded content (eContent).' },
  HASH_MISMATCH: { vi: 'Mã băm của dữ liệu đã ký không khớp: tài liệu đã bị thay đổi sau khi ký.', en: 'The digest of the signed data does not match: the document was altered after signing.' },
  SIGNATURE_INVALID: { vi: 'Giá trị chữ ký không hợp lệ với khóa công khai của người ký.', en: 'The signature value does not verify with the signer public key.' },
  SIGNATURE_ALG_UNSUPPORTED: { vi: 'Thuật toán chữ ký không được hỗ trợ: {alg}.', en: 'Unsupported signature algorithm: {alg}.' },
  ESS_MISSING: { vi: 'Thiếu thuộc tính signing-certificate(-v2) gắn chữ ký với chứng thư số.', en: 'The signing-certificate(-v2) attribute binding the signature to the certificate is missing.' },
  ESS_MISMATCH: { vi: 'Thuộc tính signing-certificate(-v2) không khớp với chứng thư số người ký.', en: 'The signing-certificate(-v2) attribute does not match the signer certificate.' },
  ESS_V1_SHA1: { vi: 'Chữ ký dùng signing-certificate (v1, SHA-1) thay vì v2.', en: 'The signature uses signing-certificate (v1, SHA-1) instead of v2.' },
  // Algorithm policy
  DIGEST_NOT_ACCEPTED: { vi: 'Thuật toán băm {alg} không còn được chấp nhận (quy định: SHA-256 trở lên).', en: 'The digest algorithm {alg} is no longer accepted (rule: SHA-256 or stronger).' },
  RSA_KEY_TOO_SHORT: { vi: 'Khóa RSA {bits} bit ngắn hơn 2048 bit (quy định: RSA từ 2048 bit).', en: 'The RSA key of {bits} bits is shorter than 2048 bits (rule: RSA of 2048 bits or more).' },
  EC_KEY_TOO_SHORT: { vi: 'Khóa ECDSA {bits} bit{curve} ngắn hơn 256 bit (quy định: ECDSA từ 256 bit).', en: 'The ECDSA key of {bits} bits{curve} is shorter than 256 bits (rule: ECDSA of 256 bits or more).' },
  EDDSA_DIGEST_NOT_ALLOWED: { vi: 'Chữ ký {alg} phải dùng hàm băm {want} cho message-digest (RFC 8419), ở đây là {got}.', en: 'An {alg} signature must use {want} for its message digest (RFC 8419); this one uses {got}.' },
  DSA_KEY_TOO_SHORT: { vi: 'Khóa DSA {bits} bit ngắn hơn 2048 bit (quy định: từ 2048 bit).', en: 'The DSA key of {bits} bits is shorter than 2048 bits (rule: 2048 bits or more).' },
  // Certificates / chain
  CHAIN_NOT_TRUSTED: { vi: 'Không xây dựng được chuỗi chứng thư đến một gốc tin cậy.', en: 'No certificate chain to a trusted root could be built.' },
  CHAIN_INVALID: { vi: 'Chuỗi chứng thư không hợp lệ: {detail}.', en: 'The certificate chain is not valid: {detail}.' },
  CERT_EXPIRED_NO_POE: { vi: 'Chứng thư số người ký đã hết hạn và không có dấu thời gian chứng minh chữ ký được tạo trước đó.', en: 'The signer certificate has expired and no timestamp proves the signature existed before.' },
  CERT_NOT_YET_VALID: { vi: 'Chứng thư số người ký chưa có hiệu lực tại thời điểm ký.', en: 'The signer certificate was not yet valid at signing time.' },
  CERT_REVOKED: { vi: 'Chứng thư số người ký đã bị thu hồi{at}.', en: 'The signer certificate has been revoked{at}.' },
  REVOCATION_UNKNOWN: { vi: 'Không xác định được tình trạng thu hồi của chứng thư số: {detail_vi}.', en: 'The revocation status of the certificate could not be established: {detail}.' },
  REVOCATION_OK: { vi: 'Chứng thư số chưa bị thu hồi (nguồn: {source}).', en: 'The certificate is not revoked (source: {source}).' },
  KEY_USAGE: { vi: 'Chứng thư số không cho phép ký số (keyUsage).', en: 'The certificate does not allow digital signatures (keyUsage).' },
  PKI_UNAVAILABLE: { vi: 'Chưa cấu hình chứng thư gốc tin cậy nên không kiểm tra được chuỗi chứng thư.', en: 'No trust anchors are configured, so the certificate chain cannot be validated.' },
  // Timestamps
  TS_INVALID: { vi: 'Dấu thời gian không hợp lệ: {detail}.', en: 'The timestamp is not valid: {detail}.' },
  TS_IMPRINT_MISMATCH: { vi: 'Dấu thời gian không khớp với giá trị chữ ký.', en: 'The timestamp imprint does not match the signature value.' },
  TS_DOC_IMPRINT_MISMATCH: { vi: 'Dấu thời gian tài liệu không khớp với dữ liệu được phủ.', en: 'The document timestamp imprint does not match the covered data.' },
  TS_CHAIN: { vi: 'Không xác thực được chuỗi chứng thư của đơn vị cấp dấu thời gian: {detail}.', en: 'The timestamp authority chain could not be validated: {detail}.' },
  TS_OK: { vi: 'Dấu thời gian hợp lệ, thời điểm {time}.', en: 'Valid timestamp at {time}.' },
  TS_TOKEN_INVALID: { vi: 'Dấu thời gian ({kind}) không hợp lệ và không chứng minh thời điểm nào.', en: 'The {kind} token is not valid and proves no time.' },
  TS_IMPRINT_NOT_CHECKED: { vi: 'Dấu thời gian lưu trữ ({kind}): đã kiểm tra chữ ký và đơn vị cấp, chưa kiểm tra dữ liệu được đóng dấu.', en: 'Archive timestamp ({kind}): its signature and authority are checked, the stamped data is not.' },
  TS_ORDER: { vi: 'Thời điểm ký khai báo ({claimed}) muộn hơn dấu thời gian ({proven}).', en: 'The claimed signing time ({claimed}) is later than the timestamp ({proven}).' },
  // Changes after signing
  MOD_NONE: { vi: 'Không có thay đổi nào sau khi ký.', en: 'No changes after signing.' },
  MOD_ALLOWED: { vi: 'Các thay đổi sau khi ký đều được phép.', en: 'All changes after signing are permitted.' },
  MOD_DISALLOWED: { vi: 'Tài liệu đã bị thay đổi sau khi ký theo cách không được phép.', en: 'The document was modified after signing in a way that is not permitted.' },
  MOD_UNANALYSABLE: { vi: 'Không phân tích được các thay đổi sau khi ký: {detail}.', en: 'The changes after signing could not be analysed: {detail}.' },
  // Document level
  DOC_NO_SIGNATURES: { vi: 'Tài liệu không có chữ ký số.', en: 'The document carries no digital signature.' },
  DOC_UNPARSEABLE: { vi: 'Không đọc được tệp PDF: {detail}.', en: 'The PDF file cannot be read: {detail}.' },
  DOC_TIMEOUT: { vi: 'Quá thời gian kiểm tra cho phép ({ms} ms).', en: 'Verification exceeded its time bound ({ms} ms).' },
  DOC_ENCRYPTED: { vi: 'Tài liệu được mã hóa; chưa hỗ trợ kiểm tra.', en: 'The document is encrypted; verification is not supported yet.' },
  // Summaries
  SUM_TOTAL_PASSED: { vi: 'Chữ ký hợp lệ.', en: 'The signature is valid.' },
  SUM_INDETERMINATE: { vi: 'Chưa xác định được tính hợp lệ của chữ ký.', en: 'The validity of the signature could not be determined.' },
  SUM_TOTAL_FAILED: { vi: 'Chữ ký không hợp lệ.', en: 'The signature is not valid.' },
  DOC_TOTAL_PASSED: { vi: 'Tài liệu có {n} chữ ký, tất cả hợp lệ.', en: 'The document has {n} signature(s), all valid.' },
  DOC_INDETERMINATE: { vi: 'Chưa xác định được tính hợp lệ của tài liệu ({n} chữ ký).', en: 'The validity of the document could not be determined ({n} signature(s)).' },
  DOC_TOTAL_FAILED: { vi: 'Tài liệu không hợp lệ: có chữ ký sai hoặc tài liệu bị sửa đổi.', en: 'The document is not valid: a signature failed or the document was altered.' },
};

/** Sub-indication names for people, vi + en. */
export const SUB_INDICATION_TEXT: Record<SubIndication, Template> = {
  FORMAT_FAILURE: { vi: 'Sai định dạng chữ ký', en: 'Signature format failure' },
  HASH_FAILURE: { vi: 'Dữ liệu đã bị thay đổi (sai mã băm)', en: 'Hash failure (data altered)' },
  SIG_CRYPTO_FAILURE: { vi: 'Giá trị chữ ký sai', en: 'Signature cryptographic failure' },
  REVOKED: { vi: 'Chứng thư số đã bị thu hồi', en: 'Certificate revoked' },
  SIG_CONSTRAINTS_FAILURE: { vi: 'Vi phạm ràng buộc của chữ ký (thay đổi không được phép)', en: 'Signature constraints failure (disallowed changes)' },
  CRYPTO_CONSTRAINTS_FAILURE: { vi: 'Thuật toán mật mã không đạt yêu cầu', en: 'Cryptographic constraints failure' },
  CHAIN_CONSTRAINTS_FAILURE: { vi: 'Chuỗi chứng thư vi phạm ràng buộc', en: 'Chain constraints failure' },
  NO_SIGNING_CERTIFICATE_FOUND: { vi: 'Không tìm thấy chứng thư số người ký', en: 'No signing certificate found' },
  NO_CERTIFICATE_CHAIN_FOUND: { vi: 'Không tìm thấy chuỗi đến gốc tin cậy', en: 'No certificate chain to a trust anchor' },
  CERTIFICATE_CHAIN_GENERAL_FAILURE: { vi: 'Lỗi chuỗi chứng thư', en: 'Certificate chain general failure' },
  OUT_OF_BOUNDS_NO_POE: { vi: 'Chứng thư hết hạn, không có bằng chứng thời gian', en: 'Out of validity bounds, no proof of existence' },
  OUT_OF_BOUNDS_NOT_REVOKED: { vi: 'Chứng thư ngoài thời hạn hiệu lực', en: 'Out of validity bounds (not revoked)' },
  REVOKED_NO_POE: { vi: 'Chứng thư bị thu hồi, không có bằng chứng thời gian ký', en: 'Revoked, no proof of existence before revocation' },
  TRY_LATER: { vi: 'Chưa có thông tin thu hồi, hãy thử lại sau', en: 'No revocation information yet, try later' },
  TIMESTAMP_ORDER_FAILURE: { vi: 'Thứ tự thời gian không hợp lệ', en: 'Timestamp order failure' },
  SIGNED_DATA_NOT_FOUND: { vi: 'Không tìm thấy dữ liệu được ký', en: 'Signed data not found' },
};

export const INDICATION_TEXT: Record<Indication, Template> = {
  TOTAL_PASSED: { vi: 'Hợp lệ', en: 'Passed' },
  INDETERMINATE: { vi: 'Chưa xác định', en: 'Indeterminate' },
  TOTAL_FAILED: { vi: 'Không hợp lệ', en: 'Failed' },
};

function fill(s: string, p: Params): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in p ? String(p[k]) : ''));
}

/** Build a finding from the catalogue; unknown codes are a programming error. */
export function finding(code: string, severity: Severity, params: Params = {}): Finding {
  const t = T[code];
  if (!t) throw new Error(`unknown verification message ${code}`);
  return { code, severity, message_vi: fill(t.vi, params), message_en: fill(t.en, params) };
}

/** The text of a message code without building a finding. */
export function text(code: string, params: Params = {}): { vi: string; en: string } {
  const t = T[code];
  if (!t) throw new Error(`unknown verification message ${code}`);
  return { vi: fill(t.vi, params), en: fill(t.en, params) };
}

export function hasMessage(code: string): boolean {
  return code in T;
}
