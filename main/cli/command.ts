/** A `kestrel` subcommand. `run` returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

/** Errors that are the user's fault print their message only, without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}
