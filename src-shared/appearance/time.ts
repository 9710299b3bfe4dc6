// Signing time as Decree 30 Phụ lục I prints it: ISO 8601 in Vietnam time with the offset,
// e.g. 2026-11-26T14:03:21+07:00 (Vietnam has no daylight saving time: always UTC+7).

const VN_OFFSET_MS = 7 * 3600 * 1000;

export function formatVnIso(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const t = new Date(date.getTime() + VN_OFFSET_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(t.getUTCFullYear(), 4)}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}` +
    `T${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}+07:00`
  );
}
