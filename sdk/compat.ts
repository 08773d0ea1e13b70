// PartnerStackJS compatibility: `growsumo._initialize(pk)`, `growsumo.data` and
// `growsumo.createSignup(callback)`, so pages written for PartnerStackJS work unchanged.

import type { CustomerResult, SignupInput } from './types';
import { run } from './log';

export interface Growsumo {
  data: { name?: string; email?: string; customer_key?: string; partner_key?: string };
  _initialize(pk: string): void;
  /** Signs up `growsumo.data`; `callback` runs afterwards, whether or not that succeeded. */
  createSignup(callback?: () => void): void;
}

export const createGrowsumo = (
  init: (pk: string) => void,
  signup: (input: SignupInput) => Promise<CustomerResult>,
): Growsumo => {
  const g: Growsumo = {
    data: {},
    _initialize: init,
    createSignup(callback) {
      const d = g.data;
      const done = () => callback && run(callback);
      // partner_key credits a partner only when the visitor has no attribution of its own.
      signup({ customerKey: d.customer_key || d.email!, email: d.email!, name: d.name, partnerKey: d.partner_key }).then(done, done);
    },
  };
  return g;
};
