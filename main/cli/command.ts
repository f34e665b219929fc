import { parseArgs } from 'node:util';

/**
 * One option of a command: what node:util's parseArgs needs, plus what `--help` prints. A command parses
 * with exactly the specs its help lists (parseOptions), so no option can be accepted and left unlisted.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean;
  /** Placeholder of the value in help (`FILE`, `N`); string options only. */
  readonly value?: string;
  readonly help: string;
  /** What the default is when it is not a fixed value (worked out from the data, the symbol, ...). */
  readonly defaultHelp?: string;
}
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A `kestrel` subcommand. `run` returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Every option the command accepts (`--help` lists them all, with defaults). */
  readonly options: OptionSpecs;
  run(argv: string[]): Promise<number>;
}

/** Errors that are the user's fault print their message only, without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

type ParseArgsOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** parseArgs with a command's own specs (strict: an option not in them is refused). */
export function parseOptions(argv: string[], specs: OptionSpecs, opts: { allowPositionals?: boolean; allowNegative?: boolean } = {}): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const options: ParseArgsOptions = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}), ...(s.default !== undefined ? { default: s.default as never } : {}) };
  }
  const r = parseArgs({ args: argv, options, strict: true, allowPositionals: opts.allowPositionals ?? false, ...(opts.allowNegative ? { allowNegative: true } : {}) });
  return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals };
}

/** The `--help` text of a command: summary, usage, then every option with its default. */
export function commandHelp(cmd: CliCommand): string {
  const rows = Object.entries(cmd.options).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`;
    const def = s.defaultHelp ?? (s.default !== undefined && s.default !== false ? String(s.default) : undefined);
    return [flag, `${s.help}${s.multiple ? ' (repeatable)' : ''}${def !== undefined ? ` (default: ${def})` : ''}`] as const;
  });
  const width = Math.max(0, ...rows.map(([f]) => f.length));
  return [cmd.summary, '', `Usage: ${cmd.usage}`, '', 'Options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}  ${h}`), `  ${'    --help'.padEnd(width)}  this text`].join('\n');
}
