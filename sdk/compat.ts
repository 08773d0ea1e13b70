// PartnerStackJS compatibility: `growsumo._initialize(pk)`, `growsumo.data` and
// `growsumo.createSignup(callback)`, so pages written for PartnerStackJS work unchanged.

import type { CustomerResult, SignupInput } from './types';
import { warn } from './log';

export interface Growsumo {
  data: { name?: string; email?: string; customer_key?: string; partner_key?: string };
  _initialize(pk: string): void;
  /** Signs up `growsumo.data`; `callback` runs afterwards, whether or not that succeeded. */
  createSignup(callback?: () => void): void;
}

/** Completes `g` (a `growsumo` the page may have started) into the compat object. */
export const createGrowsumo = (
  init: (pk: string) => void,
  signup: (input: SignupInput) => Promise<CustomerResult>,
  g: Growsumo = {} as Growsumo,
): Growsumo => {
  g.data = g.data || {};
  g._initialize = init;
  g.createSignup = (callback) => {
    const d = g.data;
    const done = () => {
      try {
        if (callback) callback();
      } catch (e) {
        warn(e);
      }
    };
    // partner_key credits a partner only when the visitor has no attribution of its own.
    signup({ customerKey: d.customer_key || d.email!, email: d.email!, name: d.name, partnerKey: d.partner_key }).then(
      done,
      done,
    );
  };
  return g;
};
