#!/usr/bin/env node
// Start-up is what every command waits for: only the command table is loaded up front, each command's modules
// when it runs, and Node caches compiled code and (ts-cache.ts) stripped TypeScript across runs (no-ops where
// unsupported).
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cliCommands } from './commands/index.ts';
import { trace } from './trace.ts';

// The user's own cache folder, not Node's default in the shared temp directory: what is cached there runs as code.
const cache = enableCompileCache?.(process.env.NODE_COMPILE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kestrel', 'compile-cache'));
trace('entry loaded');

function help(): string {
  const width = Math.max(...cliCommands.map((c) => c.name.length));
  return ['Usage: kestrel <command> [options]', '', ...cliCommands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'kestrel <command> --help shows its options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  const entry = cliCommands.find((c) => c.name === name);
  if (!entry) {
    console.error(`Unknown command: ${name}\n\n${help()}`);
    return 2;
  }
  if (import.meta.url.endsWith('.ts')) (await import('../../workers/ts-cache.ts')).cacheStrippedTypeScript(cache?.directory);
  const [cmd, { KestrelError }, { UsageError, commandHelp }] = await Promise.all([entry.load(), import('../core/errors.ts'), import('./command.ts')]);
  trace(`${name} loaded`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandHelp(cmd));
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`kestrel ${name}: ${(e as Error).message}\nUsage: ${cmd.usage}`);
      return 2;
    }
    if (e instanceof KestrelError) {
      console.error(`kestrel ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
