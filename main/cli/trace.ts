/**
 * KESTREL_TRACE=1: each phase of a command as one stderr line, `trace <ms since process start> <phase>`, and
 * the moment the process exits. What a user waits for is the whole command; this shows where it goes
 * without a profiler's overhead. Off (one property read) otherwise.
 */
const on = !!process.env.KESTREL_TRACE;
let exitHooked = false;

export function trace(phase: string): void {
  if (!on) return;
  process.stderr.write(`trace ${performance.now().toFixed(1).padStart(8)} ms  ${phase}\n`);
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => process.stderr.write(`trace ${performance.now().toFixed(1).padStart(8)} ms  exit\n`));
}
