// Every reason the workflow machine refuses a step, with a stable code and its message in
// Vietnamese and English. The gateway sends these back as the conflict the user is shown.
export const REFUSALS = {
  INVALID_EVENT: ['Bước xử lý không đúng định dạng.', 'The step is malformed.'],
  WRONG_DOCUMENT: ['Bước xử lý thuộc văn bản khác.', 'The step belongs to a different document record.'],
  DUPLICATE_EVENT: ['Bước xử lý này đã được ghi nhận.', 'This step was already recorded.'],
  WRONG_DIRECTION: ['Bước này không áp dụng cho loại văn bản này (đến/đi).', 'This step does not apply to an incoming/outgoing document of this kind.'],
  ALREADY_EXISTS: ['Văn bản đã được tạo.', 'The document already exists.'],
  WRONG_STATE: ['Văn bản đang ở trạng thái không cho phép bước này.', 'The document is in a state that does not allow this step.'],
  ROLE_NOT_ALLOWED: ['Vai trò của bạn không được thực hiện bước này.', 'Your role may not take this step.'],
  NOT_HOLDER: ['Bạn không phải người đang giữ văn bản.', 'You are not the one holding the document now.'],
  NOT_SUBMITTED_TO_YOU: ['Văn bản không được trình cho bạn (hoặc người ủy quyền cho bạn).', 'The document was not submitted to you (or to whoever delegated to you).'],
  REGISTER_MISMATCH: ['Văn bản mật phải vào sổ mật, văn bản thường vào sổ thường.', 'Confidential documents go to the confidential register, others to the normal one.'],
  LEAD_ALSO_ASSISTING: ['Đơn vị chủ trì không được đồng thời là đơn vị phối hợp.', 'The lead may not also be assisting.'],
  DEADLINE_IN_PAST: ['Hạn xử lý đã qua.', 'The deadline is already past.'],
  NOTHING_TO_RETURN_TO: ['Không có người chuyển đến để trả lại.', 'There is no one to return the document to.'],
  NOT_IN_CHAIN: ['Chỉ người đã chuyển văn bản mới thu hồi được.', 'Only someone who passed the document on may recall it.'],
  RECALL_AFTER_PROCESSING: ['Không thu hồi được: văn bản đã bắt đầu được xử lý.', 'Cannot recall: processing has already begun.'],
  NOT_AUTHOR: ['Chỉ người soạn thảo hoặc người đang giữ dự thảo được làm việc này.', 'Only the drafter or the current holder of the draft may do this.'],
  VERSIONS_LOCKED: ['Văn bản đã được ký duyệt: không được thêm phiên bản, chỉ văn thư ký phát hành.', 'The document is approved: no new version may be added, only the clerk\'s issuing signature.'],
  VERSION_PARENT_MISMATCH: ['Phiên bản mới không dựa trên phiên bản hiện hành.', 'The new version is not based on the current version.'],
  NO_VERSION: ['Dự thảo chưa có tệp.', 'The draft has no file yet.'],
  CONSULTATION_EXISTS: ['Đợt lấy ý kiến này đã có.', 'This consultation already exists.'],
  CONSULTATION_UNKNOWN: ['Không có đợt lấy ý kiến này.', 'No such consultation.'],
  NOT_PARTICIPANT: ['Bạn không được xin ý kiến trong đợt này.', 'You were not asked in this consultation.'],
  ALREADY_ANSWERED: ['Bạn đã cho ý kiến trong đợt này.', 'You already answered this consultation.'],
  ANSWER_TEXT_REQUIRED: ['Cần ghi rõ ý kiến khi không đồng ý hoặc có ý kiến khác.', 'Say why when disagreeing or giving another opinion.'],
  ROUTE_INVALID: ['Luồng trình không hợp lệ: chuyên viên → trưởng phòng → lãnh đạo, kết thúc ở lãnh đạo.', 'Invalid route: specialist → head of unit → leader, ending with a leader.'],
  NOT_CURRENT_APPROVER: ['Văn bản không chờ bạn duyệt.', 'The document is not waiting for your approval.'],
  APPROVAL_NOT_HEAD: ['Phiên bản được duyệt không phải phiên bản hiện hành.', 'The approved version is not the current version.'],
  SIGNATURE_REQUIRED: ['Bước duyệt cuối phải có chữ ký số của người ký duyệt.', 'The last approval must carry the approver\'s digital signature.'],
  SIGNATURE_NOT_EXPECTED: ['Chỉ bước duyệt cuối mới ký duyệt.', 'Only the last approval step signs.'],
  SIGNATURE_PARENT_MISMATCH: ['Chữ ký không đặt trên đúng phiên bản đã duyệt.', 'The signature is not on the approved version.'],
  ALREADY_NUMBERED: ['Văn bản đã được cấp số.', 'The document already has a number.'],
  NOT_NUMBERED: ['Văn bản chưa được cấp số.', 'The document has no number yet.'],
  NUMBER_MISMATCH: ['Số trên chữ ký phát hành khác số đã cấp.', 'The number in the issuing stamp differs from the number assigned.'],
  NO_RECIPIENTS: ['Chưa chọn nơi nhận.', 'No recipients chosen.'],
  NO_DEADLINE: ['Văn bản không có hạn xử lý.', 'The document has no deadline.'],
  EXTENSION_NOT_LATER: ['Hạn mới phải sau hạn hiện tại.', 'The new deadline must be later than the current one.'],
  EXTENSION_PENDING: ['Đã có một đề nghị gia hạn đang chờ.', 'An extension request is already pending.'],
  EXTENSION_UNKNOWN: ['Không có đề nghị gia hạn đang chờ này.', 'No such pending extension request.'],
  REASON_REQUIRED: ['Cần ghi rõ lý do.', 'A reason is required.'],
  NOT_ASSIGNER: ['Chỉ lãnh đạo đã giao việc (hoặc người được ủy quyền) mới quyết định.', 'Only the leader who assigned the work (or their delegate) decides.'],
  SYSTEM_ONLY: ['Chỉ cổng kết nối được ghi bước này.', 'Only the gateway may record this step.'],
  CONFLICT_ORIGINAL_IN_LOG: ['Bước gốc đã có trong nhật ký.', 'The original step is already in the log.'],
  CONCURRENT_ASSIGNMENT: ['Lãnh đạo khác đã phân công văn bản này trước (đồng bộ trước); phân công của bạn được lưu lại nhưng không áp dụng — hãy xem và phân công lại nếu cần.', 'Another leader assigned this document first (synced first); your assignment is kept on record but not applied — review and reassign if needed.'],
  NUMBER_TAKEN: ['Số lấy khi ngoại tuyến đã được văn bản khác dùng; cổng kết nối cấp số mới, số cũ vẫn được lưu lại.', 'The number taken offline was already used by another document; the gateway assigned a new one and kept the old one on record.'],
  FILE_MISMATCH: ['Kích thước hoặc mã băm khai báo không khớp tệp đã lưu.', 'The declared size or hash does not match the stored file.'],
  FILE_EXISTS: ['Hồ sơ đã được mở.', 'The work file is already open.'],
  FILE_CLOSED: ['Hồ sơ đã đóng.', 'The work file is closed.'],
  ALREADY_IN_FILE: ['Văn bản đã có trong hồ sơ.', 'The document is already in the work file.'],
  NOT_IN_FILE: ['Văn bản không có trong hồ sơ.', 'The document is not in the work file.'],
  NOT_FILE_OWNER: ['Chỉ người lập hồ sơ hoặc lãnh đạo đơn vị được làm việc này.', 'Only whoever opened the work file or the head of its unit may do this.'],
  DELEGATION_ROLE: ['Chỉ lãnh đạo, trưởng/phó phòng được ủy quyền, và chỉ vai trò của chính mình.', 'Only leaders and heads of unit may delegate, and only their own role.'],
  DELEGATION_PERIOD: ['Thời hạn ủy quyền không hợp lệ.', 'The delegation period is invalid.'],
  DELEGATION_SELF: ['Không tự ủy quyền cho chính mình.', 'You cannot delegate to yourself.'],
  DELEGATION_REVOKED: ['Ủy quyền đã bị thu hồi.', 'The delegation was already revoked.'],
  NOT_DELEGATOR: ['Chỉ người ủy quyền hoặc quản trị được làm việc này.', 'Only the delegator or an administrator may do this.'],
} as const satisfies Record<string, readonly [string, string]>;

export type RefusalCode = keyof typeof REFUSALS;
export const REFUSAL_CODES = Object.keys(REFUSALS) as RefusalCode[];

export interface Refusal {
  ok: false;
  code: RefusalCode;
  message_vi: string;
  message_en: string;
}

export function refuse(code: RefusalCode): Refusal {
  const [vi, en] = REFUSALS[code];
  return { ok: false, code, message_vi: vi, message_en: en };
}
