// Which profile the desk works in, and the switches between them:
//   new   no choice yet: the first-run screen (connect to the province's server, work offline, or
//         "Dùng thử")
//   demo  the demo province: its own folder (<root>/demo), its CA trusted there only, the embedded
//         reference gateway on 127.0.0.1 seeded with sample documents
//   real  the person's own profile (<root>): the province's server, the deployment's trust anchors
// The choice is kept in <root>/profile.json. In a source checkout an empty root starts the demo
// by itself ("the embedded default of npm start"); a packaged install never does.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { startGateway, type Gateway } from '../../../src-server/app';
import type { AppError } from '../../../src-shared/errors';
import { VanthuError } from '../../../src-shared/errors';
import type { DemoHolder } from '../../../src-shared/domain/demo';
import type { Req, Res } from '../../../src-shared/ipc/contract';
import type { ManagedContext } from '../context';
import type { ProfileApi } from '../handlers';
import { saveProfileConfig } from '../config';
import { buildDemoProfile, checkDemoProfile, refreshDemoCrl, saveDemoPort, type DemoManifest } from '../demo/build';

export const DEFAULT_DEMO_PORT = 8790;
const ProfileFile = z.object({ mode: z.enum(['new', 'demo', 'real']), since: z.string() });

export interface ProfileManagerOptions {
  /** The profile root (VANTHU_PROFILE_DIR, Electron's userData). */
  root: string;
  context: ManagedContext;
  /** Start the demo when the root holds no profile yet (source checkouts only). */
  autoDemo: boolean;
  /** Machine policy may forbid the demo (default: allowed). */
  demoAllowed?: boolean;
  /** Port the embedded demo gateway tries first (default 8790, or VANTHU_DEMO_PORT). */
  demoPort?: number;
  log?: (line: string) => void;
}

interface RunningDemo {
  dir: string;
  manifest: DemoManifest;
  gateway: Gateway;
}

const notice = (code: string, vi: string, en: string): AppError => ({ code, message_vi: vi, message_en: en });

/** A loopback port we can listen on: `preferred` when free, else one the system picks. */
export async function freeLoopbackPort(preferred: number): Promise<{ port: number; moved: boolean }> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const got = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred > 0) {
    const p = await tryListen(preferred);
    if (p) return { port: p, moved: false };
  }
  return { port: (await tryListen(0))!, moved: preferred > 0 };
}

export class ProfileManager implements ProfileApi {
  mode: 'new' | 'demo' | 'real' = 'new';
  private demo: RunningDemo | null = null;
  private notices: AppError[] = [];
  private savedSofthsmConf: string | undefined | null = null;
  private readonly log: (line: string) => void;

  constructor(private readonly o: ProfileManagerOptions) {
    this.log = o.log ?? ((l) => console.log(l));
    o.context.profiles = this;
  }

  get root(): string {
    return this.o.root;
  }

  get demoDir(): string {
    return path.join(this.o.root, 'demo');
  }

  private get demoAllowed(): boolean {
    return this.o.demoAllowed ?? true;
  }

  /** Decide the mode at launch and enter it. */
  async start(): Promise<void> {
    const file = path.join(this.o.root, 'profile.json');
    // The profile is the user's alone: made 0700, and tightened when it is ours but looser.
    fs.mkdirSync(this.o.root, { recursive: true, mode: 0o700 });
    if ((fs.statSync(this.o.root).mode & 0o077) !== 0 && (fs.existsSync(file) || fs.readdirSync(this.o.root).length === 0)) fs.chmodSync(this.o.root, 0o700);
    let saved: z.infer<typeof ProfileFile> | null = null;
    if (fs.existsSync(file)) {
      try {
        saved = ProfileFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
      } catch {
        this.notices.push(notice('PROFILE_CHOICE_UNREADABLE', 'Không đọc được lựa chọn hồ sơ đã lưu; hãy chọn lại.', 'The saved profile choice could not be read; choose again.'));
      }
    }
    if (saved?.mode === 'demo' && this.demoAllowed) return this.startDemo();
    if (saved?.mode === 'real') return this.enterReal();
    if (saved) return; // 'new': the first-run screen
    // No choice saved: an existing profile from before (it has data) stays real; an empty one is new.
    const hasData = fs.existsSync(this.o.root) && fs.readdirSync(this.o.root).some((n) => n !== 'demo');
    if (hasData) return this.enterReal();
    if (this.o.autoDemo && this.demoAllowed) return this.startDemo();
  }

  private saveChoice(mode: 'new' | 'demo' | 'real'): void {
    fs.mkdirSync(this.o.root, { recursive: true, mode: 0o700 });
    const file = path.join(this.o.root, 'profile.json');
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify({ mode, since: new Date().toISOString() }) + '\n', { mode: 0o600 });
    fs.renameSync(tmp, file);
    this.mode = mode;
  }

  async startDemo(opts: { reset?: boolean } = {}): Promise<void> {
    if (!this.demoAllowed) throw new VanthuError('DEMO_FORBIDDEN', 'Chế độ dùng thử bị tắt trên máy này.', 'The demo is turned off on this machine.');
    await this.stopDemo();
    const dir = this.demoDir;
    let manifest: DemoManifest;
    const check = checkDemoProfile(dir);
    if (check.ok && !opts.reset) manifest = check.manifest;
    else {
      if (!check.ok && check.reason === 'corrupted') {
        this.log(`Dữ liệu dùng thử bị hỏng (${check.detail}); đang tạo lại. / The demo data was damaged (${check.detail}); rebuilding it.`);
        this.notices.push(notice('DEMO_REBUILT', `Dữ liệu dùng thử bị hỏng hoặc thiếu (${check.detail}) nên đã được tạo lại từ đầu.`, `The demo data was damaged or incomplete (${check.detail}) and has been made again.`));
      } else if (!opts.reset) this.log('Đang tạo tỉnh dùng thử (chứng thư, văn bản mẫu)… / Making the demo province (certificates, sample documents)…');
      manifest = await buildDemoProfile(dir);
    }
    await refreshDemoCrl(dir, manifest);

    const preferred = manifest.gatewayPort || this.o.demoPort || Number(process.env.VANTHU_DEMO_PORT ?? DEFAULT_DEMO_PORT);
    const { port, moved } = await freeLoopbackPort(preferred);
    if (moved) {
      this.log(`Cổng ${preferred} đang bận; máy chủ dùng thử chạy trên cổng ${port}. / Port ${preferred} is in use; the demo server runs on port ${port}.`);
      this.notices.push(notice('DEMO_PORT_MOVED', `Cổng ${preferred} đang được dùng nên máy chủ dùng thử chạy trên cổng ${port}.`, `Port ${preferred} was in use, so the demo server runs on port ${port}.`));
    }
    const gateway = await startGateway({ dataDir: path.join(dir, 'gateway'), host: '127.0.0.1', port });
    saveDemoPort(dir, manifest, gateway.port);
    this.demo = { dir, manifest, gateway };

    // The demo token is seen by the token service through the profile's own softhsm2.conf.
    if (manifest.token) {
      if (this.savedSofthsmConf === null) this.savedSofthsmConf = process.env.SOFTHSM2_CONF;
      process.env.SOFTHSM2_CONF = manifest.token.conf;
    }
    await this.o.context.reconfigure(dir, { allowDemo: true });
    this.o.context.gatewayUrl = gateway.url;
    this.saveChoice('demo');
  }

  private async stopDemo(): Promise<void> {
    const d = this.demo;
    this.demo = null;
    if (d) await d.gateway.close();
    if (this.savedSofthsmConf !== null) {
      if (this.savedSofthsmConf === undefined) delete process.env.SOFTHSM2_CONF;
      else process.env.SOFTHSM2_CONF = this.savedSofthsmConf;
      this.savedSofthsmConf = null;
    }
  }

  async resetDemo(): Promise<void> {
    await this.startDemo({ reset: true });
    this.notices = this.notices.filter((n) => n.code !== 'DEMO_REBUILT');
  }

  /** "Kết nối máy chủ thật": leave the demo for the first-run screen (its data stays for later). */
  async leaveDemo(): Promise<void> {
    await this.stopDemo();
    await this.o.context.reconfigure(this.o.root, { allowDemo: false });
    this.saveChoice('new');
  }

  private async enterReal(): Promise<void> {
    await this.stopDemo();
    await this.o.context.reconfigure(this.o.root, { allowDemo: false });
    this.mode = 'real';
  }

  async useServer(req: Req<'profile.useServer'>): Promise<void> {
    const locked = this.o.context.config.machineKeys.includes('gatewayUrl');
    if (req.gatewayUrl && !locked) saveProfileConfig(this.o.root, { gatewayUrl: req.gatewayUrl });
    await this.enterReal();
    this.saveChoice('real');
  }

  demoCredential(holder: DemoHolder): { p12: Uint8Array; password: string } {
    const d = this.demo;
    if (!d) throw new VanthuError('DEMO_NOT_ACTIVE', 'Chứng thư số dùng thử chỉ có trong hồ sơ dùng thử.', 'Demo certificates exist only in the demo profile.');
    const rel = holder === 'organisation' ? d.manifest.organisation.p12 : d.manifest.users[holder].p12;
    return { p12: new Uint8Array(fs.readFileSync(path.join(d.dir, rel))), password: d.manifest.p12Password };
  }

  state(): Res<'profile.state'> {
    const ctx = this.o.context;
    const d = this.demo;
    return {
      mode: this.mode,
      demoAllowed: this.demoAllowed,
      notices: this.notices,
      server: { url: this.mode === 'demo' ? (d?.gateway.url ?? null) : (ctx.config.gatewayUrl ?? null), locked: ctx.config.machineKeys.includes('gatewayUrl') },
      demo: d && {
        generation: d.manifest.generation,
        gatewayUrl: d.gateway.url,
        unitName: d.manifest.unit.name,
        password: d.manifest.password,
        users: (['clerk', 'leader', 'specialist'] as const).map((role) => ({ role, ...d.manifest.users[role] })).map(({ p12: _p, ...u }) => u),
        token: d.manifest.token && { label: d.manifest.token.label, pin: d.manifest.token.pin, holder: d.manifest.token.holder },
        signatureBoxes: Object.fromEntries(d.manifest.samples.map((s) => [s.sha256, s.signatureBox])),
      },
    };
  }

  /** The embedded demo gateway, when the demo runs (tests, diagnostics). */
  get demoGateway(): Gateway | null {
    return this.demo?.gateway ?? null;
  }

  async close(): Promise<void> {
    await this.stopDemo();
  }
}
