/**
 * The updater wiring with Electron's dialog and electron-updater replaced (neither can run here): what the
 * plan turns into, and that nothing downloads or restarts unless the user says so.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { updatePlan } from '../../../main/app/update-policy.ts';

const fake = vi.hoisted(() => ({ answers: [] as number[], boxes: [] as { message: string }[], loaded: 0, updater: undefined as unknown }));
vi.mock('electron', () => ({
  dialog: {
    showMessageBox: async (...args: unknown[]) => {
      fake.boxes.push(args[args.length - 1] as { message: string });
      return { response: fake.answers.shift() ?? 1 };
    },
  },
}));
vi.mock('electron-updater', () => {
  fake.loaded++;
  return { default: { get autoUpdater() { return fake.updater; } } };
});

class FakeUpdater extends EventEmitter {
  channel: string | null = null;
  allowPrerelease = false;
  allowDowngrade = true;
  autoDownload = true;
  autoInstallOnAppQuit = false;
  disableWebInstaller = false;
  logger: unknown = null;
  checks = 0;
  downloads = 0;
  installs = 0;
  async checkForUpdates() {
    this.checks++;
    return null;
  }
  async downloadUpdate() {
    this.downloads++;
    return [];
  }
  quitAndInstall() {
    this.installs++;
  }
}

const { startUpdates } = await import('../../../main/app/updater.ts');
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the updater', () => {
  let updater: FakeUpdater;
  beforeEach(() => {
    updater = new FakeUpdater();
    fake.updater = updater;
    fake.answers = [];
    fake.boxes = [];
  });

  it('does not even load electron-updater while updates are off, and says why when asked', async () => {
    const u = await startUpdates(updatePlan({ enabled: false, channel: 'stable' }, { packaged: true }), log, () => undefined);
    expect(fake.loaded).toBe(0);
    await u.checkNow();
    expect(fake.boxes.map((b) => b.message)).toEqual(['Updates are off']);
  });

  it('follows the beta channel, refuses downgrades, checks at start and asks before downloading and restarting', async () => {
    const u = await startUpdates(updatePlan({ enabled: true, channel: 'beta' }, { packaged: true }), log, () => undefined);
    expect(updater).toMatchObject({ channel: 'beta', allowPrerelease: true, allowDowngrade: false, autoDownload: false, autoInstallOnAppQuit: true, disableWebInstaller: true });
    expect(updater.checks).toBe(1);
    fake.answers = [1]; // "Later"
    updater.emit('update-available', { version: '0.2.0-beta.1' });
    await settle();
    expect(updater.downloads).toBe(0);
    fake.answers = [0]; // "Download"
    updater.emit('update-available', { version: '0.2.0-beta.1' });
    await settle();
    expect(updater.downloads).toBe(1);
    fake.answers = [1]; // "When I quit"
    updater.emit('update-downloaded', { version: '0.2.0-beta.1' });
    await settle();
    expect(updater.installs).toBe(0);
    fake.answers = [0]; // "Restart now"
    updater.emit('update-downloaded', { version: '0.2.0-beta.1' });
    await settle();
    expect(updater.installs).toBe(1);
    expect(fake.boxes.map((b) => b.message)).toEqual(['Kestrel 0.2.0-beta.1 is available', 'Kestrel 0.2.0-beta.1 is available', 'Kestrel 0.2.0-beta.1 is ready to install', 'Kestrel 0.2.0-beta.1 is ready to install']);
    u.stop();
  });

  it('reports "up to date" and errors only for a check the user asked for', async () => {
    const u = await startUpdates(updatePlan({ enabled: true, channel: 'stable' }, { packaged: true }), log, () => undefined);
    expect(updater.channel).toBe('latest');
    updater.emit('update-not-available', {});
    updater.emit('error', new Error('offline'));
    await settle();
    expect(fake.boxes).toEqual([]);
    expect(log.error).toHaveBeenCalledWith('updates: offline');
    await u.checkNow();
    updater.emit('update-not-available', {});
    updater.emit('error', new Error('manifest has no sha512'));
    await settle();
    expect(fake.boxes.map((b) => b.message)).toEqual(['Kestrel is up to date', 'Checking for updates failed']);
    u.stop();
  });
});
