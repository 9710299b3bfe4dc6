// The five-state icon of a signature row: valid (green check), valid with warnings (amber check),
// indeterminate (grey question mark), invalid (red cross), certified (blue ribbon). Drawn as SVG
// so it needs no icon font; its meaning is given as text to assistive technology.
import type { RowStatus } from './model';

const COLOURS: Record<RowStatus, string> = {
  valid: '#107c10',
  warning: '#8a5a00',
  indeterminate: '#5b6570',
  invalid: '#c50f1f',
  certified: '#0f5fb5',
};

export function StatusIcon({ status, label }: { status: RowStatus; label: string }) {
  const c = COLOURS[status];
  return (
    <svg className="sig-status-icon" data-status={status} width="28" height="28" viewBox="0 0 28 28" role="img" aria-label={label}>
      <title>{label}</title>
      {status === 'certified' ? (
        <>
          <path d="M9 17 L6 26 L10 24 L12 27 L14 19 Z M19 17 L22 26 L18 24 L16 27 L14 19 Z" fill={c} />
          <circle cx="14" cy="11" r="9" fill={c} />
          <path d="M9.5 11 L13 14.5 L18.5 8" stroke="#fff" strokeWidth="2.4" fill="none" strokeLinecap="round" strokeLinejoin="round" />
        </>
      ) : (
        <>
          <circle cx="14" cy="14" r="12" fill={c} />
          {status === 'valid' && <path d="M8 14.5 L12.5 19 L20 10" stroke="#fff" strokeWidth="2.8" fill="none" strokeLinecap="round" strokeLinejoin="round" />}
          {status === 'warning' && (
            <>
              <path d="M8 14.5 L12.5 19 L20 10" stroke="#fff" strokeWidth="2.8" fill="none" strokeLinecap="round" strokeLinejoin="round" />
              <circle cx="22" cy="22" r="5.5" fill="#ffb900" stroke="#fff" strokeWidth="1.2" />
              <path d="M22 19 V22.5 M22 24.4 V24.6" stroke="#1b1f24" strokeWidth="1.6" strokeLinecap="round" />
            </>
          )}
          {status === 'indeterminate' && (
            <path d="M10.5 10.5 a3.5 3.5 0 1 1 5 3.2 c-1 .5 -1.5 1.2 -1.5 2.3 M14 20 V20.2" stroke="#fff" strokeWidth="2.6" fill="none" strokeLinecap="round" />
          )}
          {status === 'invalid' && <path d="M9.5 9.5 L18.5 18.5 M18.5 9.5 L9.5 18.5" stroke="#fff" strokeWidth="2.8" strokeLinecap="round" />}
        </>
      )}
    </svg>
  );
}
