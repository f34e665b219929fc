import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, whether we run from sources or from a compiled dist/. */
export function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    // dist/ also holds a package.json copy (tsc emits the JSON import), so skip it.
    if (existsSync(join(dir, 'package.json')) && basename(dir) !== 'dist') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Kestrel application root');
    dir = up;
  }
}

export function rendererDistDir(): string {
  return join(appRoot(), 'dist', 'renderer');
}

/**
 * Where user data lives when no --data-dir is given: the same folder Electron's `userData` uses, so the
 * desktop app and headless mode share one database.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KESTREL_DATA_DIR) return env.KESTREL_DATA_DIR;
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kestrel');
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Kestrel');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Kestrel');
  }
}
