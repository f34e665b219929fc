/** The IPC contract: the only part of main/ the renderer may import. */
export * from './registry.ts';
export * from './define.ts';
export * from './app.ts';
export * from './errors.ts';
export * from './messages.ts';
export * from './wire.ts';
export * from './client.ts';
