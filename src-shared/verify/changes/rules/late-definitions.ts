// An object the signed revision already referred to, while it did not exist there, defined by a
// later update: what the signed page showed ("nothing" for a missing XObject, a missing font…)
// is replaced by whatever the new object draws, without any existing object being changed — a
// shadow attack that otherwise reads as a harmless addition. Always forbidden.

import { fact, referrers, type RuleContext as Ctx } from '../context';

export function ruleLateDefinitions(c: Ctx): void {
  if (c.created.size === 0) return;
  const idx = referrers(c.old);
  if (!idx) return;
  for (const num of c.created) {
    const from = [...(idx.get(num) ?? [])];
    if (from.length === 0) continue;
    c.explained.add(num);
    const who = from.map((n) => (n < 0 ? 'trailer' : `${n}`)).join(', ');
    fact(c, 'dangling-reference-defined', 'forbidden',
      `Đối tượng ${num} — phiên bản đã ký đã tham chiếu tới (từ ${who}) khi nó chưa tồn tại — được định nghĩa sau khi ký: nội dung hiển thị có thể đã bị thay.`,
      `Object ${num}, which the signed revision referred to (from ${who}) while it did not exist, was defined after signing: what is shown may have been replaced.`, [num]);
  }
}
