/**
 * The host's V8 flags (main/host/v8-flags.ts, the one list `npm start`/`serve` use) for the packaged app,
 * which no script launches. Electron reads `--js-flags` for the main process only from its launch command
 * line, before any of our code runs, so the switch appended here reaches the processes Electron starts
 * afterwards; `kestrel start` also passes it at launch, and `launchedWithHostFlags` tells which is the case.
 */
import type { CommandLine } from 'electron';
import { HOST_V8_FLAGS } from '../host/v8-flags.ts';

type Switches = Pick<CommandLine, 'appendSwitch' | 'getSwitchValue'>;

/** The flags of `current` (a `--js-flags` value) with the host's added, each once, the launch's own first. */
export function mergedJsFlags(current: string, host: readonly string[] = HOST_V8_FLAGS): string {
  const have = current.split(/\s+/).filter((f) => f !== '');
  // A host flag replaces a launch flag of the same name: V8 takes the last value, and this keeps one.
  const name = (f: string) => f.split('=')[0]!.replace(/_/g, '-');
  const hostNames = new Set(host.map(name));
  return [...have.filter((f) => !hostNames.has(name(f))), ...host].join(' ');
}

/** Whether the launch command line already carried every host flag (then the main process runs with them). */
export function launchedWithHostFlags(cl: Pick<CommandLine, 'getSwitchValue'>, host: readonly string[] = HOST_V8_FLAGS): boolean {
  const have = new Set(cl.getSwitchValue('js-flags').split(/\s+/));
  return host.every((f) => have.has(f));
}

/**
 * Puts the host flags into this app's `--js-flags` switch, keeping any flags the launch gave. Appending a
 * switch that exists replaces its value, hence the merge. Call before `ready`.
 */
export function applyHostJsFlags(cl: Switches, host: readonly string[] = HOST_V8_FLAGS): string {
  const value = mergedJsFlags(cl.getSwitchValue('js-flags'), host);
  cl.appendSwitch('js-flags', value);
  return value;
}
