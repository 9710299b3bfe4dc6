// The demo province's sample documents: a commune (UBND xã Gia Tân) with incoming documents from
// the province, a department and the district (urgent ones with deadlines, one overdue, one
// changed after it was signed) and its own drafts at every stage up to one issued with both
// signatures (ký duyệt, then phát hành). Pure data: the demo builder (src-main/services/demo)
// turns each entry into a real PDF and takes it through the gateway's own workflow.

import type { DoKhan } from '../domain/levels';

export type DemoAgency = 'tinh' | 'stc' | 'huyen';

/** What the builder does with a sample after making its PDF. */
export type DemoFlow =
  | 'incoming' // issued by an agency to the unit, signed by the agency, not yet registered
  | 'incoming-registered' // the same, already registered by the clerk (số đến)
  | 'incoming-changed' // signed by the agency, then changed in a later revision
  | 'draft' // the specialist's draft
  | 'submitted' // submitted to the leader: awaiting the leader's signature (ký duyệt)
  | 'approved' // signed and approved by the leader: awaiting the clerk's number and seal
  | 'issued'; // signed by the leader, numbered and sealed by the clerk (phát hành)

export interface DemoSample {
  key: string;
  from: DemoAgency | 'unit';
  flow: DemoFlow;
  typeCode: string;
  /** Type name as printed (none for Công văn). */
  typeName?: string;
  subject: string;
  doKhan: DoKhan;
  /** Deadline relative to the day the demo is made (negative: already overdue). */
  dueInDays?: number;
  paragraphs: string[];
  signer: { authority?: string; title: string; fullName: string };
  recipients: string[];
  /** For 'incoming-changed': the sentence the later revision writes over the original one. */
  changedText?: { original: string; replacement: string };
}

export const DEMO_UNIT = { id: 'hd-giatan', name: 'UBND xã Gia Tân', printed: 'UBND XÃ GIA TÂN', parent: 'UBND HUYỆN GIA LỘC', place: 'Gia Tân' };

export const DEMO_AGENCIES: Record<DemoAgency, { orgId: string; name: string; printed: string; parent?: string; place: string }> = {
  tinh: { orgId: 'hd', name: 'UBND tỉnh Hải Dương', printed: 'ỦY BAN NHÂN DÂN TỈNH HẢI DƯƠNG', place: 'Hải Dương' },
  stc: { orgId: 'hd-stc', name: 'Sở Tài chính tỉnh Hải Dương', printed: 'SỞ TÀI CHÍNH', parent: 'UBND TỈNH HẢI DƯƠNG', place: 'Hải Dương' },
  huyen: { orgId: 'hd-gialoc', name: 'UBND huyện Gia Lộc', printed: 'ỦY BAN NHÂN DÂN HUYỆN GIA LỘC', parent: 'UBND TỈNH HẢI DƯƠNG', place: 'Gia Lộc' },
};

/** The demo unit's people: who signs in as which role, and the titles printed under signatures. */
export const DEMO_PEOPLE = {
  clerk: { fullName: 'Trần Thị Bình', title: 'Văn thư', cccd: '001185000111' },
  leader: { fullName: 'Lê Văn Cường', title: 'Chủ tịch UBND xã', cccd: '001078000222' },
  specialist: { fullName: 'Nguyễn Văn An', title: 'Công chức Văn phòng - Thống kê', cccd: '001092000333' },
} as const;

const unitSigner = { authority: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', fullName: DEMO_PEOPLE.leader.fullName };

export const DEMO_SAMPLES: DemoSample[] = [
  {
    key: 'in-qd-chuyen-doi-so', from: 'tinh', flow: 'incoming', typeCode: 'QD', typeName: 'QUYẾT ĐỊNH', doKhan: 'khan', dueInDays: 5,
    subject: 'Ban hành Kế hoạch chuyển đổi số tỉnh Hải Dương năm 2027',
    paragraphs: [
      'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;',
      'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;',
      'Theo đề nghị của Giám đốc Sở Khoa học và Công nghệ.',
      'Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số tỉnh Hải Dương năm 2027.',
      'Điều 2. Ủy ban nhân dân các xã, phường tổ chức triển khai Kế hoạch, báo cáo kết quả thực hiện trước ngày 15 tháng 12 năm 2026.',
      'Điều 3. Quyết định này có hiệu lực kể từ ngày ký.',
    ],
    signer: { authority: 'TM. ỦY BAN NHÂN DÂN', title: 'CHỦ TỊCH', fullName: 'Phạm Minh Tuấn' },
    recipients: ['Như Điều 3', 'UBND các xã, phường', 'Lưu: VT, KGVX.'],
  },
  {
    key: 'in-cv-du-toan', from: 'stc', flow: 'incoming', typeCode: 'CV', doKhan: 'thuong_khan', dueInDays: -2,
    subject: 'Báo cáo tình hình thực hiện dự toán ngân sách nhà nước năm 2026',
    paragraphs: [
      'Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc đánh giá tình hình thực hiện dự toán ngân sách nhà nước năm 2026, Sở Tài chính đề nghị Ủy ban nhân dân các xã báo cáo số thu, chi ngân sách đến hết tháng 11 năm 2026 theo biểu mẫu kèm theo.',
      'Báo cáo gửi về Sở Tài chính qua hệ thống quản lý văn bản và điều hành trước ngày 02 tháng 12 năm 2026 để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.',
    ],
    signer: { authority: 'KT. GIÁM ĐỐC', title: 'PHÓ GIÁM ĐỐC', fullName: 'Vũ Thị Hạnh' },
    recipients: ['UBND các xã', 'Lưu: VT, QLNS.'],
  },
  {
    key: 'in-kh-thien-tai', from: 'huyen', flow: 'incoming', typeCode: 'KH', typeName: 'KẾ HOẠCH', doKhan: 'hoa_toc', dueInDays: 1,
    subject: 'Phòng, chống thiên tai và tìm kiếm cứu nạn mùa mưa bão năm 2026',
    paragraphs: [
      'Thực hiện Chỉ thị của Ủy ban nhân dân tỉnh về công tác phòng, chống thiên tai, Ủy ban nhân dân huyện ban hành Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn như sau.',
      'Các xã kiện toàn Ban Chỉ huy phòng, chống thiên tai; rà soát các hộ dân ở khu vực xung yếu; chuẩn bị vật tư, phương tiện theo phương châm bốn tại chỗ.',
      'Đề nghị Ủy ban nhân dân các xã báo cáo phương án sơ tán dân trước 17 giờ ngày mai.',
    ],
    signer: { authority: 'KT. CHỦ TỊCH', title: 'PHÓ CHỦ TỊCH', fullName: 'Đỗ Văn Hùng' },
    recipients: ['UBND các xã', 'Lưu: VT.'],
  },
  {
    key: 'in-gm-hoi-nghi', from: 'huyen', flow: 'incoming-registered', typeCode: 'GM', typeName: 'GIẤY MỜI', doKhan: 'thuong', dueInDays: 3,
    subject: 'Dự Hội nghị tổng kết công tác văn thư, lưu trữ năm 2026',
    paragraphs: [
      'Ủy ban nhân dân huyện Gia Lộc trân trọng kính mời đại diện lãnh đạo và công chức văn thư Ủy ban nhân dân các xã dự Hội nghị tổng kết công tác văn thư, lưu trữ năm 2026.',
      'Thời gian: 08 giờ 00, thứ Hai. Địa điểm: Hội trường Ủy ban nhân dân huyện.',
    ],
    signer: { authority: 'TL. CHỦ TỊCH', title: 'CHÁNH VĂN PHÒNG', fullName: 'Nguyễn Thị Lan' },
    recipients: ['Như trên', 'Lưu: VT.'],
  },
  {
    key: 'in-tb-tiep-cong-dan', from: 'tinh', flow: 'incoming-registered', typeCode: 'TB', typeName: 'THÔNG BÁO', doKhan: 'thuong',
    subject: 'Lịch tiếp công dân định kỳ tháng 12 năm 2026',
    paragraphs: [
      'Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân định kỳ vào ngày 15 tháng 12 năm 2026 tại Trụ sở Tiếp công dân tỉnh.',
      'Ủy ban nhân dân các xã thông báo để công dân trên địa bàn được biết.',
    ],
    signer: { authority: 'TL. CHỦ TỊCH', title: 'CHÁNH VĂN PHÒNG', fullName: 'Hoàng Văn Nam' },
    recipients: ['UBND các xã, phường', 'Lưu: VT.'],
  },
  {
    key: 'in-cv-quyet-toan-sua-doi', from: 'stc', flow: 'incoming-changed', typeCode: 'CV', doKhan: 'khan', dueInDays: 10,
    subject: 'Hướng dẫn quyết toán kinh phí hỗ trợ sản xuất nông nghiệp năm 2026',
    paragraphs: [
      'Sở Tài chính hướng dẫn Ủy ban nhân dân các xã quyết toán kinh phí hỗ trợ sản xuất nông nghiệp năm 2026 như sau.',
      'Mức hỗ trợ tối đa cho mỗi xã là 500.000.000 đồng, thanh toán theo chứng từ thực tế.',
      'Hồ sơ quyết toán gửi về Sở Tài chính trước ngày 20 tháng 12 năm 2026.',
    ],
    changedText: { original: 'Mức hỗ trợ tối đa cho mỗi xã là 500.000.000 đồng', replacement: 'Mức hỗ trợ tối đa cho mỗi xã là 950.000.000 đồng' },
    signer: { authority: 'KT. GIÁM ĐỐC', title: 'PHÓ GIÁM ĐỐC', fullName: 'Vũ Thị Hạnh' },
    recipients: ['UBND các xã', 'Lưu: VT, TCDN.'],
  },
  {
    key: 'out-ttr-du-toan', from: 'unit', flow: 'submitted', typeCode: 'TTR', typeName: 'TỜ TRÌNH', doKhan: 'thuong', dueInDays: 4,
    subject: 'Đề nghị phê duyệt dự toán kinh phí sửa chữa nhà văn hóa thôn Đồng Tâm',
    paragraphs: [
      'Nhà văn hóa thôn Đồng Tâm được xây dựng năm 2005, đến nay mái và tường đã xuống cấp, ảnh hưởng đến sinh hoạt cộng đồng của nhân dân.',
      'Văn phòng - Thống kê kính trình Chủ tịch Ủy ban nhân dân xã xem xét, phê duyệt dự toán kinh phí sửa chữa với tổng số tiền 185.000.000 đồng từ nguồn ngân sách xã năm 2026.',
    ],
    signer: unitSigner,
    recipients: ['Chủ tịch UBND xã', 'Lưu: VT, VP.'],
  },
  {
    key: 'out-bc-kinh-te', from: 'unit', flow: 'submitted', typeCode: 'BC', typeName: 'BÁO CÁO', doKhan: 'khan', dueInDays: 2,
    subject: 'Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2026',
    paragraphs: [
      'Năm 2026, dưới sự lãnh đạo của Đảng ủy, sự giám sát của Hội đồng nhân dân, Ủy ban nhân dân xã đã tập trung chỉ đạo thực hiện các chỉ tiêu phát triển kinh tế - xã hội.',
      'Tổng giá trị sản xuất ước đạt 1.250 tỷ đồng, tăng 7,8% so với năm 2025; thu ngân sách trên địa bàn đạt 112% dự toán; tỷ lệ hộ nghèo giảm còn 1,2%.',
      'Ủy ban nhân dân xã báo cáo Ủy ban nhân dân huyện xem xét, tổng hợp.',
    ],
    signer: unitSigner,
    recipients: ['UBND huyện Gia Lộc', 'Đảng ủy xã', 'Lưu: VT.'],
  },
  {
    key: 'out-cv-mua-lu', from: 'unit', flow: 'draft', typeCode: 'CV', doKhan: 'thuong_khan',
    subject: 'Đề nghị hỗ trợ kinh phí khắc phục hậu quả mưa lũ',
    paragraphs: [
      'Do ảnh hưởng của đợt mưa lớn kéo dài từ ngày 20 đến ngày 24 tháng 11 năm 2026, trên địa bàn xã có 35 hộ dân bị ngập úng, 12 ha lúa bị thiệt hại.',
      'Ủy ban nhân dân xã Gia Tân kính đề nghị Ủy ban nhân dân huyện xem xét, hỗ trợ kinh phí để khắc phục hậu quả, ổn định đời sống nhân dân.',
    ],
    signer: unitSigner,
    recipients: ['UBND huyện Gia Lộc', 'Lưu: VT.'],
  },
  {
    key: 'out-gm-giao-ban', from: 'unit', flow: 'draft', typeCode: 'GM', typeName: 'GIẤY MỜI', doKhan: 'thuong',
    subject: 'Dự họp giao ban công tác tháng 12 năm 2026',
    paragraphs: [
      'Ủy ban nhân dân xã Gia Tân trân trọng kính mời các đồng chí Trưởng thôn và cán bộ, công chức xã dự họp giao ban công tác tháng 12 năm 2026.',
      'Thời gian: 14 giờ 00, thứ Sáu. Địa điểm: Phòng họp Ủy ban nhân dân xã.',
    ],
    signer: unitSigner,
    recipients: ['Như trên', 'Lưu: VT.'],
  },
  {
    key: 'out-qd-to-cong-tac', from: 'unit', flow: 'approved', typeCode: 'QD', typeName: 'QUYẾT ĐỊNH', doKhan: 'thuong',
    subject: 'Thành lập Tổ công tác chuyển đổi số xã Gia Tân',
    paragraphs: [
      'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;',
      'Căn cứ Kế hoạch chuyển đổi số của Ủy ban nhân dân tỉnh Hải Dương;',
      'Điều 1. Thành lập Tổ công tác chuyển đổi số xã Gia Tân gồm 07 thành viên do Chủ tịch Ủy ban nhân dân xã làm Tổ trưởng.',
      'Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Văn phòng - Thống kê và các thành viên có tên tại Điều 1 chịu trách nhiệm thi hành.',
    ],
    signer: unitSigner,
    recipients: ['Như Điều 2', 'Lưu: VT.'],
  },
  {
    key: 'out-kh-dai-doan-ket', from: 'unit', flow: 'issued', typeCode: 'KH', typeName: 'KẾ HOẠCH', doKhan: 'thuong',
    subject: 'Tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư năm 2026',
    paragraphs: [
      'Thực hiện hướng dẫn của Ủy ban Mặt trận Tổ quốc Việt Nam huyện, Ủy ban nhân dân xã xây dựng Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư năm 2026.',
      'Ngày hội được tổ chức tại các thôn từ ngày 10 đến ngày 18 tháng 11 năm 2026, bảo đảm thiết thực, tiết kiệm, tạo không khí phấn khởi trong nhân dân.',
    ],
    signer: unitSigner,
    recipients: ['UBMTTQ xã', 'Các thôn', 'Lưu: VT.'],
  },
];
