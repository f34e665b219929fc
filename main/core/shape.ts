/**
 * Checks the shape of a decoded, untrusted value before recursive code (zod schemas, refine callbacks,
 * JSON.stringify, tree walks) sees it: no deeper than `maxDepth` (the value itself is level 0) and no more
 * than `maxObjects` objects. Iterative, so the check itself cannot overflow the stack. Structured clone can
 * carry cycles and shared references: a cycle is infinitely deep and a shared-reference blow-up exceeds the
 * object budget, so both are refused too. Returns why the value is refused, or null.
 */
export function shapeProblem(value: unknown, maxDepth: number, maxObjects = 8_000_000): string | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: [object, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels (or cyclic)`;
    if (++visited > maxObjects) return `more than ${maxObjects} objects`;
    // Typed arrays and buffers are leaves: their elements are numbers.
    if (ArrayBuffer.isView(node) || node instanceof ArrayBuffer) continue;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return null;
}
