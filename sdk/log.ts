// The one path for everything the script drops or retries: silent unless the tag has
// `data-debug` (or the ES module was given `debug: true`), and always prefixed.

let debug = false;

export const setDebug = (on: boolean): void => {
  debug = on;
};

export const noop = (): void => {};

export const warn = (...args: unknown[]): void => {
  if (debug) console.warn('[refstack]', ...args);
};
