// Độ mật (confidentiality) and độ khẩn (urgency) levels of Decree 30, with their Vietnamese labels.

export const DO_MAT = ['thuong', 'mat', 'toi_mat', 'tuyet_mat'] as const;
export type DoMat = (typeof DO_MAT)[number];
export const DO_MAT_LABEL: Record<DoMat, string> = {
  thuong: 'Thường', mat: 'Mật', toi_mat: 'Tối mật', tuyet_mat: 'Tuyệt mật',
};

export const DO_KHAN = ['thuong', 'khan', 'thuong_khan', 'hoa_toc'] as const;
export type DoKhan = (typeof DO_KHAN)[number];
export const DO_KHAN_LABEL: Record<DoKhan, string> = {
  thuong: 'Thường', khan: 'Khẩn', thuong_khan: 'Thượng khẩn', hoa_toc: 'Hỏa tốc',
};

/** Confidential documents go to the separate register and may be encrypted at rest. */
export function isConfidential(level: DoMat): boolean {
  return level !== 'thuong';
}

export const ROLES = ['official', 'clerk', 'secretary', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABEL: Record<Role, string> = {
  official: 'Chuyên viên', clerk: 'Văn thư', secretary: 'Lãnh đạo/Thư ký', admin: 'Quản trị',
};

export const DOC_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'issued', 'received', 'registered', 'archived'] as const;
export type DocStatus = (typeof DOC_STATUSES)[number];
export const DOC_STATUS_LABEL: Record<DocStatus, string> = {
  draft: 'Dự thảo', submitted: 'Đã trình', approved: 'Đã duyệt', returned: 'Trả lại',
  issued: 'Đã phát hành', received: 'Đến (chưa vào sổ)', registered: 'Đã vào sổ', archived: 'Lưu trữ',
};
