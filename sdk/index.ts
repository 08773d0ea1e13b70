// The script tag build (IIFE), and the only file that touches `window`: reads the tag's
// `data-*`, refuses a second copy, installs `window.refstack` and `window.growsumo`, replays
// what the stub queued (each call in its own try/catch), and sets `refstack.loaded` last.
//
// Without `data-key` (a page written for PartnerStackJS) the client starts on
// `growsumo._initialize(pk)`; calls made before that are held, like calls awaiting consent.

import { command, init, methods } from './client';
import { createGrowsumo } from './compat';
import { run, setDebug, warn } from './log';

const w = window as any;
const tag = document.currentScript as HTMLScriptElement | null;
const data = (tag ? tag.dataset : {}) as DOMStringMap;
const stub = w.refstack;

setDebug('debug' in data);

// A second copy of the tag: refused, and (with data-debug) logged as that tag.
if (stub && stub.loaded) warn(tag);
else {
  // The ingest serves the script, so it is at the script's origin unless data-api says otherwise.
  const start = (key?: string) => key && run(() => init(key, data.api || new URL(tag!.src).origin, data.consent as any));
  const refstack = methods(command.bind(0));
  w.refstack = refstack;
  w.growsumo = createGrowsumo(start, refstack.signup);
  if (data.key) {
    start(data.key);
    if (w.growsumoInit) run(w.growsumoInit);
  }
  for (const args of ((stub && stub.q) || []).splice(0)) run(() => refstack(...args));
  refstack.loaded = true;
}
