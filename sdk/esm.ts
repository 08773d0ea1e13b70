// The ES module entry, for apps that bundle the script: `init({ key, api })` once, then the
// same commands as the script tag's `window.refstack`. Same code as the IIFE build.

import type { Refstack, RefstackOptions } from './types';
import { init as start, methods } from './client';
import { setDebug } from './log';

export type { Attribution, CustomerResult, IdentifyInput, Refstack, RefstackOptions, SignupInput } from './types';

/**
 * Starts the client (captures partner parameters from the URL, retries pending work) and
 * returns its commands. A second call changes nothing and returns the same commands.
 * @example
 * const refstack = init({ key: 'pk_live_...', api: 'https://track.vendor.com' });
 * await refstack.signup({ customerKey: user.id, email: user.email });
 */
export const init = (options: RefstackOptions): Refstack => {
  if (options.debug) setDebug(true);
  start(options.key, options.api, options.consent);
  return methods();
};
