import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commands, events, isCommandName } from '../../../main/contract/index.ts';

describe('the contract', () => {
  it('has strict request schemas everywhere, so unknown keys are refused rather than dropped', () => {
    for (const [name, def] of Object.entries(commands)) {
      const schema = def.request as z.ZodTypeAny;
      expect(schema, name).toBeInstanceOf(z.ZodObject);
      expect((schema as z.AnyZodObject)._def.unknownKeys, `${name} request must be strict (use req())`).toBe('strict');
      expect(def.summary.length, `${name} needs a summary`).toBeGreaterThan(5);
    }
    for (const [name, def] of Object.entries(events)) expect(def.payload, name).toBeInstanceOf(z.ZodType);
  });

  it('does not treat prototype members as channels', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(isCommandName(name)).toBe(false);
    expect(isCommandName('app.info')).toBe(true);
  });
});
