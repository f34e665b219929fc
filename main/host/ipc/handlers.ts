import type { CommandName, ParsedRequestOf, ResponseOf } from '../../contract/index.ts';

export interface CallContext {
  /** Aborted when the client cancels the call or disconnects. */
  readonly signal: AbortSignal;
  /** Which connection asked, for logs and audit. */
  readonly origin: string;
}

export type Handler<K extends CommandName> = (request: ParsedRequestOf<K>, ctx: CallContext) => Promise<ResponseOf<K>> | ResponseOf<K>;

/** The full handler table: one handler per command of the contract, checked with `satisfies`. */
export type Handlers = { [K in CommandName]: Handler<K> };

/** A feature's slice of the table. */
export type HandlersFor<K extends CommandName> = { [P in K]: Handler<P> };
