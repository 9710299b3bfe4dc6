// The banner every screen of the demo shows: that this is the demo province and its signatures
// have no legal value, who the desk is signed in as (switch between the demo unit's clerk,
// leader and specialist), the demo password and token PIN, and the two ways out: "Kết nối máy
// chủ thật" (the first-run screen) and "Làm lại dữ liệu mẫu" (everything made afresh).
import { useTranslation } from 'react-i18next';
import { Spinner } from '@fluentui/react-components';
import type { DemoRole } from '../../src-shared/domain/demo';
import { DEMO_MARK } from '../../src-shared/domain/demo';
import { pick } from '../i18n';
import type { ProfileHandle, ProfileState } from './profile';

export function DemoBanner(p: { state: ProfileState; profile: ProfileHandle; role: DemoRole; onRole(r: DemoRole): void }) {
  const { t } = useTranslation('demo');
  const demo = p.state.demo;
  if (!demo) return null;
  const me = demo.users.find((u) => u.role === p.role);
  return (
    <section className="demo-banner" data-testid="demo-banner" role="region" aria-label={t('regionLabel')}>
      <p className="demo-title">
        <strong>{t('title')}</strong> — {t('intro', { unit: demo.unitName })} {DEMO_MARK.toLowerCase()}.
      </p>
      <div className="demo-row">
        <label htmlFor="demo-role">{t('role')}</label>
        <select id="demo-role" data-testid="demo-role" value={p.role} onChange={(e) => p.onRole(e.target.value as DemoRole)}>
          {demo.users.map((u) => (
            <option key={u.role} value={u.role}>
              {t(`roles.${u.role}`)}: {u.fullName}
            </option>
          ))}
        </select>
        <span className="hint">
          {t('signIn')} <code>{me?.username}</code> / <code>{demo.password}</code>
          {demo.token && (
            <>
              {' '}· {t('token')} <code>{demo.token.label}</code>, {t('pin')} <code>{demo.token.pin}</code>
            </>
          )}
        </span>
        <button type="button" onClick={() => void p.profile.leaveDemo()} disabled={p.profile.busy}>{t('leave')}</button>
        <button type="button" onClick={() => void p.profile.resetDemo()} disabled={p.profile.busy} data-testid="demo-reset">
          {p.profile.busy ? t('resetting') : t('reset')}
        </button>
        {p.profile.busy && <Spinner size="extra-tiny" aria-hidden />}
      </div>
      {p.state.notices.map((n) => (
        <p key={n.code} className="demo-notice" role="status" data-testid="profile-notice" data-code={n.code}>
          {pick(n)}
        </p>
      ))}
    </section>
  );
}
