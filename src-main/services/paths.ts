// Where the app keeps its per-user data (the "profile"), outside Electron as well as inside.
// Electron passes app.getPath('userData'); host mode, the CLI and tests use this resolver.

import os from 'node:os';
import path from 'node:path';

export function defaultProfileDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VANTHU_PROFILE_DIR) return path.resolve(env.VANTHU_PROFILE_DIR);
  const home = os.homedir();
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Van Thu So');
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Van Thu So');
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'vanthu-so');
  }
}
