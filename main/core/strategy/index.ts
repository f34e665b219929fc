/** Strategies: the rules DSL, its compiler, the code-strategy API and the built-in templates. */
export * from './dsl.ts';
export * from './rules.ts';
export * from './series.ts';
export * from './templates.ts';
export * from './code.ts';
