import { z } from 'zod';

/** A request → response pair. Both sides validate: the host on arrival of the request, the client on arrival of the response. */
export interface CommandDef<Req extends z.ZodTypeAny = z.ZodTypeAny, Res extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly request: Req;
  readonly response: Res;
  readonly summary: string;
}

/** A pushed stream from host to clients. */
export interface EventDef<P extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly payload: P;
  readonly summary: string;
}

export function command<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny>(summary: string, request: Req, response: Res): CommandDef<Req, Res> {
  return { summary, request, response };
}

export function event<P extends z.ZodTypeAny>(summary: string, payload: P): EventDef<P> {
  return { summary, payload };
}

/** Request objects are strict: an unknown key (including `__proto__` or `constructor`) is a validation error, never silently dropped. */
export function req<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape).strict();
}

export const empty = req({});

/** A finite number: NaN and ±Infinity are refused at the boundary. */
export const finite = () => z.number().finite();

/** Bounded strings keep hostile payloads (megabyte names) out of handlers. */
export const text = (max = 256) => z.string().max(max);
export const id = () => z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:\-/]+$/, 'only letters, digits and _ . : - /');

export const float64Array = () => z.instanceof(Float64Array);
export const int32Array = () => z.instanceof(Int32Array);
export const uint8Array = () => z.instanceof(Uint8Array);
