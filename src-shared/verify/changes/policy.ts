// The policy that turns change facts into verdicts for one signature (ISO 32000 §12.8.2 DocMDP and
// FieldMDP): DSS data, document timestamps and metadata are always allowed; later signatures and
// form filling need P ≥ 2 and no FieldMDP lock on the field; annotations need P = 3; anything a
// rule marked forbidden is disallowed. A signature on a document that is not certified is judged
// with `defaultPermission` (2: signing and form filling, no annotations).

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
}

export function isLocked(field: string, locks: FieldLock[]): boolean {
  return locks.some((l) => {
    const listed = l.fields.some((f) => field === f || field.startsWith(f + '.'));
    return l.action === 'All' || (l.action === 'Include' && listed) || (l.action === 'Exclude' && !listed);
  });
}

export function judge(facts: ChangeFact[], policy: MdpPolicy): ChangeEntry[] {
  const p = policy.docMdp ?? policy.defaultPermission;
  return facts.map((f) => {
    let ok: boolean;
    switch (f.category) {
      case 'dss':
      case 'doc-timestamp':
      case 'metadata':
        ok = true;
        break;
      case 'signature':
        ok = p >= 2;
        break;
      case 'form-fill':
        ok = p >= 2 && !(f.field !== undefined && isLocked(f.field, policy.locks));
        break;
      case 'annotation':
        ok = p >= 3;
        break;
      default:
        ok = false;
    }
    return { revision: f.revision, rule: f.rule, verdict: ok ? 'allowed' : 'disallowed', objects: f.objects, message_vi: f.message_vi, message_en: f.message_en };
  });
}

export function summarise(entries: ChangeEntry[]): 'none' | 'allowed' | 'disallowed' {
  if (entries.length === 0) return 'none';
  return entries.some((e) => e.verdict === 'disallowed') ? 'disallowed' : 'allowed';
}
