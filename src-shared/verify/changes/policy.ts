// The policy that turns change facts into verdicts for one signature (ISO 32000 §12.8.2 DocMDP and
// FieldMDP): DSS data, document timestamps and metadata are always allowed; later signatures,
// structure for their widgets and form filling need P ≥ 2; annotations need P = 3; a change to a
// field that existed at signing (filling, signing it, a new appearance) is refused when a FieldMDP
// lock of the signature covers that field (All, Include with it or a parent listed, Exclude
// without); anything a rule marked forbidden is disallowed. A signature on a document that is not
// certified is judged with `defaultPermission` (2: signing and form filling, no annotations).

import type { ChangeEntry } from '../report';
import type { ChangeFact } from './analyse';

export interface FieldLock {
  action: 'All' | 'Include' | 'Exclude';
  fields: string[];
}

export interface MdpPolicy {
  /** DocMDP /P of the certification signature, when the document is certified. */
  docMdp: 1 | 2 | 3 | null;
  /** FieldMDP locks of this signature (and of the certification signature). */
  locks: FieldLock[];
  /** Permission assumed without certification. */
  defaultPermission: 1 | 2 | 3;
  /**
   * The 1-based revision the signature covers. With it, a change to a field that was still empty
   * in that revision (filled later, then changed) is judged as form filling for this signature.
   */
  signedRevision?: number;
}

export function isLocked(field: string, locks: FieldLock[]): boolean {
  return locks.some((l) => {
    const listed = l.fields.some((f) => field === f || field.startsWith(f + '.'));
    return l.action === 'All' || (l.action === 'Include' && listed) || (l.action === 'Exclude' && !listed);
  });
}

/** Does the policy accept a change of this category (locks aside)? */
function categoryAllowed(category: ChangeFact['category'], p: 1 | 2 | 3): boolean {
  switch (category) {
    case 'dss':
    case 'doc-timestamp':
    case 'metadata':
      return true;
    case 'signature':
    case 'structure':
    case 'form-fill':
      return p >= 2;
    case 'annotation':
      return p >= 3;
    default:
      return false;
  }
}

/** The rule under which a change was judged, when it is not the rule that found it. */
export const LOCK_RULE = 'field-locked';

export function judge(facts: ChangeFact[], policy: MdpPolicy): ChangeEntry[] {
  const p = policy.docMdp ?? policy.defaultPermission;
  return facts.map((f) => {
    const filledAfter = f.valueSince !== undefined && policy.signedRevision !== undefined && policy.signedRevision < f.valueSince;
    const category = filledAfter ? 'form-fill' : f.category;
    const locked = f.field !== undefined && (f.lockable === true || category === 'form-fill') && isLocked(f.field, policy.locks);
    const ok = categoryAllowed(category, p) && !locked;
    const e: ChangeEntry = { revision: f.revision, rule: f.rule, verdict: ok ? 'allowed' : 'disallowed', category, objects: f.objects, message_vi: f.message_vi, message_en: f.message_en };
    if (f.field !== undefined) e.field = f.field;
    if (f.before !== undefined) e.before = f.before;
    if (f.after !== undefined) e.after = f.after;
    if (filledAfter) {
      e.judgedBy = 'filled-after-signature';
      e.message_vi = `${e.message_vi} Khi chữ ký này được tạo, trường còn trống.`;
      e.message_en = `${e.message_en} The field was still empty when this signature was made.`;
    }
    if (locked) {
      e.judgedBy = LOCK_RULE;
      e.message_vi = `${e.message_vi} Trường này bị khóa bởi chữ ký (FieldMDP).`;
      e.message_en = `${e.message_en} The field is locked by the signature (FieldMDP).`;
    } else if (!ok && category !== 'forbidden') {
      e.judgedBy = `docmdp-p${p}`;
      e.message_vi = `${f.message_vi} Quyền DocMDP P=${p} không cho phép thay đổi loại này.`;
      e.message_en = `${f.message_en} DocMDP permission P=${p} does not allow this kind of change.`;
    }
    return e;
  });
}

export function summarise(entries: ChangeEntry[]): 'none' | 'allowed' | 'disallowed' {
  if (entries.length === 0) return 'none';
  return entries.some((e) => e.verdict === 'disallowed') ? 'disallowed' : 'allowed';
}
