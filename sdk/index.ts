// The script tag build (IIFE), and the only file that touches `window`: reads the tag's
// `data-*`, refuses a second copy, installs `window.refstack` and `window.growsumo`, replays
// what the stub queued, and sets `refstack.loaded` last.
//
// Without `data-key` (a page written for PartnerStackJS) the client starts on
// `growsumo._initialize(pk)`; calls made before that are held, like calls awaiting consent.

import { command, init, methods } from './client';
import { createGrowsumo } from './compat';
import { setDebug, warn } from './log';

const w = window as any;
const tag = (document.currentScript || document.querySelector('script[data-key]')) as HTMLScriptElement | null;
const data = (name: string) => tag && tag.getAttribute('data-' + name);

setDebug(data('debug') != null);

if (w.refstack && w.refstack.loaded) warn('a second copy of the script is ignored');
else {
  const queued: IArguments[] = (w.refstack && w.refstack.q) || [];
  const start = (key?: string | null) => {
    let api = data('api');
    try {
      api = api || new URL(tag!.src).origin;
    } catch (e) {
      // no src: data-api is needed
    }
    if (key && api) init({ key, api, consent: data('consent') as 'required', stripParams: data('strip-params') != null });
    else warn('missing data-key or data-api');
  };
  const refstack: any = methods(function (name: string) {
    return command(name, [].slice.call(arguments, 1));
  });
  w.refstack = refstack;
  w.growsumo = createGrowsumo(start, refstack.signup, w.growsumo);
  if (data('key')) {
    start(data('key'));
    if (typeof w.growsumoInit == 'function')
      try {
        w.growsumoInit();
      } catch (e) {
        warn(e);
      }
  }
  for (const args of queued.splice(0))
    try {
      refstack.apply(0, args);
    } catch (e) {
      warn(e);
    }
  refstack.loaded = true;
}
