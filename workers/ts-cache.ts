/**
 * Node 22 strips the types of every .ts module on every run (its compile cache keeps V8 code, not the stripped
 * text): for the ~100 modules of a backtest that was a fifth of the whole command. This in-thread load hook keeps
 * each module's stripped JavaScript under the compile-cache directory, keyed by a hash of the TypeScript source
 * and the Node version, so an unchanged file is stripped once. Same stripping (Node's own, positions kept, so
 * stack traces name the same lines); anything it does not handle goes to Node's loader as before.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { enableCompileCache, registerHooks, stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Strips quietly: the API warns that it is experimental on first use, which is no news to a CLI user. */
function strip(source: string, url: string): string {
  const emit = process.emitWarning;
  process.emitWarning = ((w: string | Error, ...rest: unknown[]) => {
    if (!String(typeof w === 'string' ? w : w.message).includes('stripTypeScriptTypes')) (emit as (...a: unknown[]) => void).call(process, w, ...rest);
  }) as typeof process.emitWarning;
  try {
    return stripTypeScriptTypes(source, { mode: 'strip', sourceUrl: url });
  } finally {
    process.emitWarning = emit;
  }
}

/** The stripped text of a .ts file from the cache, stripped and stored on a miss. */
export function strippedSource(dir: string, file: string, url: string): string {
  const ts = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(process.version).update('\0').update(ts).digest('hex').slice(0, 40);
  const at = join(dir, `${key}.js`);
  try {
    return readFileSync(at, 'utf8');
  } catch {
    const js = strip(ts, url);
    try {
      const tmp = `${at}.${process.pid}.tmp`;
      writeFileSync(tmp, js);
      // rename is atomic: a concurrent run reads the old state or the whole file, never half of one
      renameSync(tmp, at);
    } catch {
      // A read-only or full cache directory only costs the stripping, as without the cache.
    }
    return js;
  }
}

/**
 * What the cache holds is run as code, so only a folder nobody else can write to is used: one another local
 * user made or can write to (a shared temp directory) would let them choose what Kestrel runs.
 */
export function privateDir(dir: string): boolean {
  try {
    const st = statSync(dir);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** Installs the hook for this thread's later imports (not for modules already loaded). `dir`: the cache root. */
export function cacheStrippedTypeScript(dir: string | undefined): void {
  if (!dir || typeof registerHooks !== 'function' || typeof stripTypeScriptTypes !== 'function') return;
  const root = join(dir, 'kestrel-ts');
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  if (!privateDir(root)) return;
  registerHooks({
    load(url, context, nextLoad) {
      if (context.format !== 'module-typescript' || !url.startsWith('file:')) return nextLoad(url, context);
      let source: string;
      try {
        source = strippedSource(root, fileURLToPath(url), url);
      } catch {
        // Syntax stripping cannot handle (or an unreadable file): Node's own loader gives its usual error.
        return nextLoad(url, context);
      }
      return { format: 'module', source, shortCircuit: true };
    },
  });
}

/**
 * For a worker thread (each loads its own modules, and Node's compile cache is per thread): the compile cache
 * and, when running from TypeScript, the stripped-TypeScript cache, both under `dir` (the main thread's
 * getCompileCacheDir(); Node's default place when the main thread has none).
 */
export function cacheThreadModules(dir: string | undefined, fromTypeScript: boolean): void {
  const at = enableCompileCache?.(dir)?.directory ?? dir;
  if (fromTypeScript) cacheStrippedTypeScript(at);
}
