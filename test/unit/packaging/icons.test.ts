import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { generateIcons, type IconSetManifest } from '../../../resources/generate-icons.ts';

// What each platform's package needs, stated here independently of the generator's own lists.
const LINUX_PX = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const WINDOWS_PX = [16, 20, 24, 32, 40, 48, 64, 256];
const MAC_TYPES: Record<string, number> = { ic04: 16, ic05: 32, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };

const res = (rel: string) => join(fileURLToPath(new URL('../../../resources/', import.meta.url)), rel);

/** Width and height from a PNG's IHDR chunk (refuses anything that is not a PNG). */
function pngSize(b: Uint8Array): { w: number; h: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((x, i) => b[i] === x)) throw new Error('not a PNG');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { w: v.getUint32(16), h: v.getUint32(20) };
}

function squarePng(b: Uint8Array): number {
  const { w, h } = pngSize(b);
  expect(h).toBe(w);
  return w;
}

/** Side of a square ARGB element (ic04/ic05): its four run-length-coded channels decode to 4·side² bytes. */
function argbSide(rle: Uint8Array): number {
  let bytes = 0;
  for (let i = 0; i < rle.length; ) {
    const c = rle[i]!;
    if (c < 0x80) {
      bytes += c + 1;
      i += c + 2;
    } else {
      bytes += c - 125;
      i += 2;
    }
  }
  const side = Math.sqrt(bytes / 4);
  expect(Number.isInteger(side)).toBe(true);
  return side;
}

/** The ICO directory: one entry per image, 0 meaning 256 px. */
function icoSizes(b: Buffer): number[] {
  expect(b.readUInt16LE(0)).toBe(0);
  expect(b.readUInt16LE(2)).toBe(1);
  const n = b.readUInt16LE(4);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = 6 + 16 * i;
    const w = b[e] || 256;
    const h = b[e + 1] || 256;
    expect(h).toBe(w);
    const size = b.readUInt32LE(e + 8);
    const offset = b.readUInt32LE(e + 12);
    expect(offset + size).toBeLessThanOrEqual(b.length);
    out.push(w);
  }
  return out.sort((x, y) => x - y);
}

/** ICNS elements (type → PNG pixel size), checking the container's declared length. */
function icnsElements(b: Buffer): Map<string, number> {
  expect(b.toString('latin1', 0, 4)).toBe('icns');
  expect(b.readUInt32BE(4)).toBe(b.length);
  const out = new Map<string, number>();
  for (let p = 8; p < b.length; ) {
    const type = b.toString('latin1', p, p + 4);
    const len = b.readUInt32BE(p + 4);
    expect(len).toBeGreaterThan(8);
    const data = b.subarray(p + 8, p + len);
    if (type !== 'TOC ') out.set(type, data.toString('latin1', 0, 4) === 'ARGB' ? argbSide(data.subarray(4)) : squarePng(data));
    p += len;
  }
  return out;
}

describe('the app icon set', () => {
  it('has the SVG source and a PNG of the right pixel size for every Linux size', () => {
    expect(existsSync(res('icon.svg'))).toBe(true);
    for (const px of LINUX_PX) {
      const file = res(`icons/${px}x${px}.png`);
      expect(existsSync(file), `${file} missing`).toBe(true);
      expect(pngSize(readFileSync(file))).toEqual({ w: px, h: px });
    }
  });

  it('has a Windows .ico holding every size, 256 px included', () => {
    expect(icoSizes(readFileSync(res('icon.ico')))).toEqual(WINDOWS_PX);
  });

  it('has a macOS .icns holding every 1x and 2x element at its pixel size', () => {
    const els = icnsElements(readFileSync(res('icon.icns')));
    expect(Object.fromEntries([...els].sort())).toEqual(MAC_TYPES);
  });

  it('was generated from the current SVG, and no output was edited by hand since', () => {
    const m = JSON.parse(readFileSync(res('icon-set.json'), 'utf8')) as IconSetManifest;
    const sha = (f: string) => createHash('sha256').update(readFileSync(res(f))).digest('hex');
    expect(sha(m.source), 'icon.svg changed: run npm run icons and commit the outputs').toBe(m.sourceSha256);
    const expected = ['icon.icns', 'icon.ico', ...LINUX_PX.map((px) => `icons/${px}x${px}.png`)].sort();
    expect(Object.keys(m.files).sort()).toEqual(expected);
    for (const [rel, hash] of Object.entries(m.files)) expect(sha(rel), rel).toBe(hash);
  });

  it('is what npm run icons makes from the SVG today (same pixels, same .ico/.icns bytes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-icons-'));
    try {
      copyFileSync(res('icon.svg'), join(dir, 'icon.svg'));
      const fresh = await generateIcons(dir);
      const committed = JSON.parse(readFileSync(res('icon-set.json'), 'utf8')) as IconSetManifest;
      expect(Object.keys(fresh.files).sort()).toEqual(Object.keys(committed.files).sort());
      for (const rel of Object.keys(fresh.files)) {
        if (!rel.endsWith('.png')) {
          expect(fresh.files[rel], `${rel} differs from a fresh encode`).toBe(committed.files[rel]);
          continue;
        }
        // Pixels, not bytes: another zlib may compress the same image differently.
        const [a, b] = await Promise.all([sharp(join(dir, rel)).raw().toBuffer(), sharp(res(rel)).raw().toBuffer()]);
        expect(a.equals(b), `${rel} differs from a fresh render`).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
