/** Tries openStores(argv[2]) and prints the outcome as one JSON line (used to open as another user). */
import { openStores } from '../../../main/storage/index.ts';

try {
  const s = openStores(process.argv[2]!);
  s.ledger.audit.record('probe', {});
  s.close();
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  const err = e as Error;
  console.log(JSON.stringify({ ok: false, name: err.name, message: err.message }));
}
