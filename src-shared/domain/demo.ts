// The demo province ("Dùng thử"): what marks its certificates and how to recognise them, so a
// demo certificate can be trusted inside the demo profile and nowhere else. Every demo
// certificate (the demo CA's and each one it issues) carries DEMO_MARK in an OU of its subject;
// anything issued by the demo CA also carries it in its issuer. A real CA never writes it.

export const DEMO_MARK = 'DÙNG THỬ — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ';
export const DEMO_MARK_EN = 'DEMO — NO LEGAL VALUE';

const MARK_UTF8 = new TextEncoder().encode(DEMO_MARK);

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * True when a certificate (DER) is a demo certificate: its subject or issuer names the demo
 * mark. The mark is a UTF8String in the Name, so its UTF-8 bytes appear verbatim in the DER.
 */
export function isDemoCertificate(der: Uint8Array): boolean {
  return contains(der, MARK_UTF8);
}

/** The roles a demo desk can switch between, and who holds them in the demo unit. */
export const DEMO_ROLES = ['clerk', 'leader', 'specialist'] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];
/** Who a demo signing credential belongs to: a person, or the unit (the clerk's seal). */
export type DemoHolder = DemoRole | 'organisation';
