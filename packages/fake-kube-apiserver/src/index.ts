/**
 * In-process fake Kubernetes API server over real HTTP for tests, seeded with
 * recorded API objects.
 *
 * @packageDocumentation
 */
export * from './server';
export * from './store';
export * from './status';
export * from './resources';
export * from './selectors';
export * from './fixtures';
export * from './builders';
