import type { CliCommand } from '../command.ts';
import { serve } from './serve.ts';
import { start } from './start.ts';

/** Every `kestrel` subcommand. Add a file under commands/ and list it here. */
export const cliCommands: readonly CliCommand[] = [start, serve];
