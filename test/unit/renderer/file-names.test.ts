/**
 * Every file name the app proposes for an export is valid on Windows, macOS and Linux: the replay equity
 * export's name carried the replay's book id (`replay:<id>`), and Windows refuses `:`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { download } from '../../../renderer/app/ui/csv.ts';
import { fileStamp, safeFileName } from '../../../renderer/app/ui/filename.ts';

// What Windows refuses in a name (the strictest of the three); macOS and Linux refuse `/` and NUL, a subset.
// eslint-disable-next-line no-control-regex -- control characters are among what Windows refuses
const INVALID = /[<>:"/\\|?*\u0000-\u001f]|[. ]$|^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

describe('safeFileName', () => {
  it.each([
    ['equity-replay:2026-03-01T12:30:00.000Z.csv', 'equity-replay-2026-03-01T12-30-00.000Z.csv'],
    ['a<b>c"d/e\\f|g?h*i.csv', 'a-b-c-d-e-f-g-h-i.csv'],
    ['tab\there\u0001.jsonl', 'tab-here.jsonl'],
    ['trailing dots... .csv', 'trailing dots.csv'],
    ['CON.csv', '_CON.csv'],
    ['nul', '_nul'],
    [':::.csv', 'export.csv'],
    ['plain-name.csv', 'plain-name.csv'],
  ])('%j → %j', (input, out) => {
    expect(safeFileName(input)).toBe(out);
    expect(safeFileName(input)).not.toMatch(INVALID);
  });

  it('keeps long names within bounds and the extension intact', () => {
    const n = safeFileName(`${'x'.repeat(500)}.csv`);
    expect(n.length).toBeLessThanOrEqual(120);
    expect(n.endsWith('.csv')).toBe(true);
  });

  it('stamps times without colons, sortable as text', () => {
    expect(fileStamp(Date.UTC(2026, 2, 1, 12, 30, 5, 250))).toBe('2026-03-01T12-30-05');
  });
});

describe('download', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('proposes the safe name for whatever name an export asks for', () => {
    const anchor = { href: '', download: '', click: vi.fn(), remove: vi.fn() };
    vi.stubGlobal('document', { createElement: () => anchor, body: { appendChild: vi.fn() } });
    vi.stubGlobal('URL', { createObjectURL: () => 'blob:x', revokeObjectURL: vi.fn() });
    vi.stubGlobal('setTimeout', vi.fn());
    download('equity-replay:2026-03-01T12:30:00.000Z.csv', 'a,b\r\n');
    expect(anchor.click).toHaveBeenCalled();
    expect(anchor.download).toBe('equity-replay-2026-03-01T12-30-00.000Z.csv');
    expect(anchor.download).not.toMatch(INVALID);
  });
});
