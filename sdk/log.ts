// The one path for everything the script drops or retries: silent unless the tag has
// `data-debug` (or the ES module was given `debug: true`), and always prefixed.

let debug: unknown;

export const setDebug = (on: unknown): void => {
  debug = on;
};

export const warn = (what: unknown): unknown => debug && console.warn('[refstack]', what);

/** Calls `f()`; what it throws is logged (with data-debug), never passed on. */
export const run = (f: () => unknown): void => {
  try {
    f();
  } catch (e) {
    warn(e);
  }
};
