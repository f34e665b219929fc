/**
 * `npm run icons`: renders resources/icon.svg into every icon each platform's package needs, and records
 * what it wrote in resources/icon-set.json (source and output hashes). The outputs are committed, so
 * packaging never runs this; test/unit/packaging/icons.test.ts fails when a size is missing or the SVG
 * changed without a rerun.
 *
 *   Linux    resources/icons/NxN.png (the AppImage/deb hicolor set; electron-builder reads the folder)
 *   Windows  resources/icon.ico      (BMP below 256 px for old shells, PNG at 256 px)
 *   macOS    resources/icon.icns     (ic04–ic14: 16–512 pt at 1x and 2x, with a table of contents)
 */
import { IconIcns, IconIco } from '@shockpkg/icon-encoder';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = fileURLToPath(new URL('.', import.meta.url));

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;
export const ICO_SIZES = [16, 20, 24, 32, 40, 48, 64, 256] as const;
/** ICNS element type → pixel size (the 2x types hold the retina image of the point size below them). */
export const ICNS_TYPES = { ic04: 16, ic11: 32, ic05: 32, ic12: 64, ic07: 128, ic13: 256, ic08: 256, ic14: 512, ic09: 512, ic10: 1024 } as const;

export interface IconSetManifest {
  readonly source: string;
  readonly sourceSha256: string;
  readonly generator: string;
  readonly files: Record<string, string>;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function render(svg: Buffer, size: number): Promise<Buffer> {
  return sharp(svg).resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png({ compressionLevel: 9 }).toBuffer();
}

export async function generateIcons(dir = here): Promise<IconSetManifest> {
  const svg = readFileSync(join(dir, 'icon.svg'));
  const sizes = [...new Set<number>([...LINUX_SIZES, ...ICO_SIZES, ...Object.values(ICNS_TYPES)])];
  const pngs = new Map<number, Buffer>();
  for (const size of sizes) pngs.set(size, await render(svg, size));
  const png = (size: number): Buffer => pngs.get(size)!;

  const files: Record<string, Uint8Array> = {};
  for (const size of LINUX_SIZES) files[`icons/${size}x${size}.png`] = png(size);
  const ico = new IconIco();
  for (const size of [...ICO_SIZES].reverse()) await ico.addFromPng(png(size), null, false);
  files['icon.ico'] = ico.encode();
  const icns = new IconIcns();
  icns.toc = true;
  for (const [type, size] of Object.entries(ICNS_TYPES)) await icns.addFromPng(png(size), [type], false);
  files['icon.icns'] = icns.encode();

  mkdirSync(join(dir, 'icons'), { recursive: true });
  for (const [rel, bytes] of Object.entries(files)) writeFileSync(join(dir, rel), bytes);
  const manifest: IconSetManifest = {
    source: 'icon.svg',
    sourceSha256: sha256(svg),
    generator: `sharp ${sharp.versions.sharp} (librsvg ${sharp.versions.rsvg ?? '?'}), @shockpkg/icon-encoder`,
    files: Object.fromEntries(Object.entries(files).map(([rel, bytes]) => [rel, sha256(bytes)])),
  };
  writeFileSync(join(dir, 'icon-set.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const m = await generateIcons();
  console.log(`icons: ${Object.keys(m.files).length} files from ${m.source} (${m.generator})`);
}
