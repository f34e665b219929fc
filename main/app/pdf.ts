import { BrowserWindow } from 'electron';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PdfRenderer } from '../host/audit/service.ts';
import { hardenContents } from './security.ts';

/**
 * PDF audit reports through the shell's Chromium: the self-contained HTML report is written to a private
 * temp file (a data: URL of a large report would hit Chromium's URL length limit), loaded into a hidden,
 * offscreen window with JavaScript off, printed with printToPDF, and the window and file are destroyed.
 * One report at a time: printing is rare and each window costs a renderer process.
 */
export function electronPdfRenderer(): PdfRenderer {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    printToPdf(html: string): Promise<Uint8Array> {
      const job = queue.then(() => printOnce(html));
      queue = job.catch(() => undefined);
      return job;
    },
  };
}

async function printOnce(html: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-report-'));
  const file = join(dir, 'report.html');
  const url = pathToFileURL(file).toString();
  let win: BrowserWindow | undefined;
  try {
    writeFileSync(file, html, { mode: 0o600 });
    win = new BrowserWindow({
      show: false,
      width: 1240,
      height: 1754,
      webPreferences: {
        offscreen: true,
        javascript: false,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
        devTools: false,
      },
    });
    // The report is the only page this window may show (its own CSP already forbids any fetch).
    hardenContents(win.webContents, url);
    await win.loadURL(url);
    const pdf = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4', landscape: false, generateDocumentOutline: true });
    return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  } finally {
    if (win && !win.isDestroyed()) win.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
