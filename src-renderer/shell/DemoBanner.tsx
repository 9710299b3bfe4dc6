// The banner every screen of the demo shows: that this is the demo province and its signatures
// have no legal value, who the desk is signed in as (switch between the demo unit's clerk,
// leader and specialist), the demo password and token PIN, and the two ways out: "Kết nối máy
// chủ thật" (the first-run screen) and "Làm lại dữ liệu mẫu" (everything made afresh).
import type { DemoRole } from '../../src-shared/domain/demo';
import { DEMO_MARK } from '../../src-shared/domain/demo';
import type { ProfileHandle, ProfileState } from './profile';

const ROLE_VI: Record<DemoRole, string> = { clerk: 'Văn thư', leader: 'Lãnh đạo', specialist: 'Chuyên viên' };

export function DemoBanner(p: { state: ProfileState; profile: ProfileHandle; role: DemoRole; onRole(r: DemoRole): void }) {
  const demo = p.state.demo;
  if (!demo) return null;
  const me = demo.users.find((u) => u.role === p.role);
  return (
    <section className="demo-banner" data-testid="demo-banner" role="region" aria-label="Chế độ dùng thử">
      <p className="demo-title">
        <strong>Dùng thử</strong> — tỉnh mẫu, {demo.unitName}. Mọi chữ ký ở đây dùng chứng thư số {DEMO_MARK.toLowerCase()}.
      </p>
      <div className="demo-row">
        <label htmlFor="demo-role">Đang làm việc với vai trò</label>
        <select id="demo-role" data-testid="demo-role" value={p.role} onChange={(e) => p.onRole(e.target.value as DemoRole)}>
          {demo.users.map((u) => (
            <option key={u.role} value={u.role}>
              {ROLE_VI[u.role]}: {u.fullName}
            </option>
          ))}
        </select>
        <span className="hint">
          Đăng nhập: <code>{me?.username}</code> / <code>{demo.password}</code>
          {demo.token && (
            <>
              {' '}· Thiết bị ký dùng thử <code>{demo.token.label}</code>, PIN <code>{demo.token.pin}</code>
            </>
          )}
        </span>
        <button onClick={() => void p.profile.leaveDemo()} disabled={p.profile.busy}>Kết nối máy chủ thật</button>
        <button onClick={() => void p.profile.resetDemo()} disabled={p.profile.busy} data-testid="demo-reset">
          {p.profile.busy ? 'Đang làm lại…' : 'Làm lại dữ liệu mẫu'}
        </button>
      </div>
      {p.state.notices.map((n) => (
        <p key={n.code} className="demo-notice" role="status" data-testid="profile-notice" data-code={n.code}>
          {n.message_vi}
        </p>
      ))}
    </section>
  );
}
