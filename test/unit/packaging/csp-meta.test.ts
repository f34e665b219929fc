import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../main/host/headless/security.ts';

const directives = (policy: string) =>
  policy
    .split(';')
    .map((d) => d.trim().split(/\s+/).filter(Boolean))
    .filter((d) => d.length > 0)
    .map(([name, ...values]) => [name!, values.sort().join(' ')] as const);

describe('the renderer page', () => {
  it("carries the served CSP as a meta tag (all but frame-ancestors, which a meta tag cannot set)", () => {
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
    expect(metas).toHaveLength(1);
    // The header adds the WebSocket origin in headless mode; 'self' covers the same origin's ws: in CSP 3.
    const served = directives(contentSecurityPolicy('')).filter(([name]) => name !== 'frame-ancestors');
    expect(new Map(directives(metas[0]![1]!))).toEqual(new Map(served));
    // It must come before any script or stylesheet, or those load unpoliced.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.search(/<script|<link rel="stylesheet"/));
  });
});
