/**
 * Names the app proposes for files it exports. They must be valid on Windows, macOS and Linux alike: the
 * names carry account ids (`replay:<id>`) and times, and Windows refuses `:` (and `<>"/\|?*`, control
 * characters, a trailing dot or space, and device names such as `CON` or `NUL.csv`), where a browser
 * download would silently rename the file or fail.
 */

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
/** Longest name proposed: well under the 255 bytes every common file system allows, with room for "(1)". */
const MAX = 120;

/** `name` made a valid file name everywhere; a dot-extension is kept as given. */
export function safeFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const hasExt = dot > 0 && /^\.[A-Za-z0-9]{1,8}$/.test(name.slice(dot));
  const ext = hasExt ? name.slice(dot).toLowerCase() : '';
  let base = (hasExt ? name.slice(0, dot) : name)
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[<>:"/\\|?*\u0000-\u001f\u007f]+/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/-{2,}/g, '-')
    .trim()
    .replace(/^[.\s-]+|[.\s-]+$/g, '');
  if (base === '') base = 'export';
  if (RESERVED.test(base.split('.')[0]!)) base = `_${base}`;
  return base.slice(0, MAX - ext.length).replace(/[.\s]+$/, '') + ext;
}

/** A time for a file name: ISO-8601 UTC to the second with `:` as `-` (sorts as text, valid everywhere). */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/:/g, '-');
}
