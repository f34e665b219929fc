/**
 * V8 flags of the process that hosts the engine and the market streams (Electron's main process, or Node in
 * headless mode). A larger young generation: under a market burst the stream path allocates a parsed frame,
 * ccxt's unified objects and the fan-out update per message, nearly all dead within a turn. With the
 * default (16 MB) semi-space the streams bench saw ~10 scavenges per 48,000 messages, 28 of them inside a
 * timed batch; at 64 MB, 2, and a 50-message batch's p99 went from 2.3–3.2 ms to 1.5–1.7 ms (test/bench/
 * streams.bench.ts). The cost is memory: up to ~100 MB more resident while a burst lasts.
 *
 * The one list: `kestrel start` passes it to Electron at launch, the Electron main entry appends it
 * (main/app/js-flags.ts), and package.json's start/serve scripts spell it for node, which needs it before
 * any code runs (test/unit/app/js-flags.test.ts holds them equal). Here, in main/host, so main/app may read it.
 */
export const HOST_V8_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
