import { parseArgs } from 'node:util';
import { defaultDataDir } from '../../host/paths.ts';
import { ENV_OVERRIDES } from '../../host/settings/host-settings.ts';
import { SettingsStore } from '../../host/settings/store.ts';
import { UsageError, type CliCommand } from '../command.ts';

const USAGE = 'kestrel config list | get KEY | set KEY VALUE | unset KEY [--data-dir DIR]';

/** A VALUE is JSON when it parses as JSON (numbers, true/false, arrays, objects, "quoted"), else plain text. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export const config: CliCommand = {
  name: 'config',
  summary: 'Read and edit the settings document (settings.json in the data dir), validated like the app does.',
  usage: USAGE,
  async run(argv) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
    const [verb, key, value, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    const store = SettingsStore.open(values['data-dir'] ?? defaultDataDir());
    switch (verb) {
      case 'list': {
        console.log(`# ${store.file}`);
        for (const e of store.list()) {
          const env = ENV_OVERRIDES.find((o) => o.key === e.key && process.env[o.env]);
          console.log(`${e.key} = ${show(e.value)}${env ? `   (overridden by ${env.env}=${process.env[env.env]})` : ''}`);
        }
        return 0;
      }
      case 'get':
        if (!key) throw new UsageError('get needs a KEY');
        console.log(show(store.get(key)));
        return 0;
      case 'set':
        if (!key || value === undefined) throw new UsageError('set needs a KEY and a VALUE');
        store.set(key, parseValue(value));
        console.log(`${key} = ${show(store.get(key))}`);
        return 0;
      case 'unset':
        if (!key) throw new UsageError('unset needs a KEY');
        store.set(key, undefined);
        console.log(`${key} reset to its default`);
        return 0;
      default:
        throw new UsageError(verb ? `unknown verb "${verb}"` : 'list, get, set or unset?');
    }
  },
};
