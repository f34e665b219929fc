import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The forms a leaked secret would take in a file or a message: raw, UTF-16, hex, and base64 at each of its 3 alignments. */
export function needles(s: string): Buffer[] {
  const raw = Buffer.from(s);
  const b64 = [0, 1, 2].map((shift) => {
    const text = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // Drop the groups that also encode bytes around the secret.
    return Buffer.from(text.slice(shift === 0 ? 0 : 4, -4));
  });
  return [raw, Buffer.from(s, 'utf16le'), Buffer.from(raw.toString('hex')), ...b64];
}
