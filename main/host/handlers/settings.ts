import { settingsLeaves, type SettingsView } from '../../contract/settings.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { HostSettings } from '../settings/host-settings.ts';
import type { SettingsStore } from '../settings/store.ts';

/** Thin: the store validates and writes; the view says what the environment overrides and what needs a restart. */
export function settingsHandlers(store: SettingsStore, running: HostSettings): HandlersFor<'settings.get' | 'settings.set'> {
  const view = (): SettingsView => {
    const before = new Map(settingsLeaves(store.initial).map((e) => [e.key, JSON.stringify(e.value)]));
    const now = new Map(store.list().map((e) => [e.key, JSON.stringify(e.value)]));
    return {
      file: store.file,
      document: store.document,
      overrides: running.overrides.map((o) => ({ ...o })),
      pendingRestart: changed(before, now),
    };
  };
  return {
    'settings.get': () => view(),
    'settings.set': (r) => {
      store.set(r.key, r.value);
      return view();
    },
  };
}

/** Keys whose value differs; an object that was empty on one side and has keys on the other is named by its keys. */
function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  return keys.filter((k) => a.get(k) !== b.get(k) && !keys.some((x) => x.startsWith(`${k}.`)));
}
