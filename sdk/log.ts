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

/** Calls `f(...args)`; what it throws is logged (with data-debug), never passed on. */
export const run = <A extends unknown[]>(f: (...args: A) => unknown, ...args: A): void => {
  try {
    f(...args);
  } catch (e) {
    warn(e);
  }
};
