/**
 * The host's V8 flags come from one list (main/host/v8-flags.ts): `npm start`/`serve` (package.json),
 * `kestrel start` (Electron's launch switch) and the Electron main entry, which the packaged app runs with no
 * script in front of it and which used to set none.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyHostJsFlags, launchedWithHostFlags, mergedJsFlags } from '../../../main/app/js-flags.ts';
import { HOST_V8_FLAGS } from '../../../main/host/v8-flags.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const source = (rel: string) => readFileSync(`${root}${rel}`, 'utf8');

/** A stand-in for Electron's CommandLine: appending a switch that exists replaces its value, as Chromium does. */
function commandLine(launch?: string) {
  const switches = new Map<string, string>(launch === undefined ? [] : [['js-flags', launch]]);
  return {
    switches,
    appendSwitch: (name: string, value?: string) => void switches.set(name, value ?? ''),
    getSwitchValue: (name: string) => switches.get(name) ?? '',
  };
}

describe('the host V8 flags in the Electron main entry', () => {
  it('a launch without --js-flags gets exactly the host flags', () => {
    const cl = commandLine();
    expect(launchedWithHostFlags(cl)).toBe(false);
    applyHostJsFlags(cl);
    expect(cl.switches.get('js-flags')).toBe(HOST_V8_FLAGS.join(' '));
    expect(HOST_V8_FLAGS).toContain('--max-semi-space-size=64');
  });

  it('keeps the flags the launch gave, and a host flag replaces the same flag given otherwise', () => {
    const cl = commandLine('--expose-gc --max_semi_space_size=16');
    applyHostJsFlags(cl, ['--max-semi-space-size=64']);
    expect(cl.switches.get('js-flags')).toBe('--expose-gc --max-semi-space-size=64');
  });

  it('is idempotent: `kestrel start` already passed them at launch', () => {
    const cl = commandLine(HOST_V8_FLAGS.join(' '));
    expect(launchedWithHostFlags(cl)).toBe(true);
    expect(mergedJsFlags(HOST_V8_FLAGS.join(' '))).toBe(HOST_V8_FLAGS.join(' '));
  });
});

describe('one list for every launcher', () => {
  it('package.json start and serve run node with exactly the host flags', () => {
    const scripts = (JSON.parse(source('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'serve']) {
      const m = /^node ((?:--\S+ )*)main\/cli\/kestrel\.ts /.exec(scripts[name]!);
      expect(m, `${name}: ${scripts[name]}`).not.toBeNull();
      expect(m![1]!.trim().split(' ').filter((f) => f.startsWith('--max-') || f.startsWith('--semi'))).toEqual([...HOST_V8_FLAGS]);
    }
  });

  it('the Electron main entry and `kestrel start` take the flags from host/v8-flags.ts, with no copy of their own', () => {
    for (const rel of ['main/app/main.ts', 'main/cli/commands/start.ts', 'main/app/js-flags.ts']) {
      const text = source(rel);
      expect(text, rel).not.toMatch(/--max-semi-space-size/);
    }
    const main = source('main/app/main.ts');
    expect(main).toMatch(/applyHostJsFlags\(app\.commandLine\)/);
    // Before `ready`: the call sits at the top level, ahead of the whenReady() that starts the host.
    expect(main.indexOf('applyHostJsFlags(app.commandLine)')).toBeLessThan(main.indexOf('app.whenReady()'));
    expect(source('main/cli/commands/start.ts')).toMatch(/--js-flags=\$\{HOST_V8_FLAGS\.join\(' '\)\}/);
  });
});
