// The gate in front of everything that writes or sends. Closed until the client starts, and,
// with consent required, until consent(true): work is held in memory meanwhile and run in
// order when the gate opens. consent(false) drops what is held. A grant is not remembered:
// the page's consent manager calls consent(true) on each page view (as they do), which keeps
// the script from writing anything of its own about consent.

/** Whether work may write and send now (truthy). */
export let ok: unknown;
/** Whether the client has started (the gate then opens at once unless consent is required). */
export let started: unknown;
let granted: unknown;
let held: Array<() => void> = [];

/** Runs `work` now if the gate is open, else holds it (and runs what is held once it opens). */
export const gate = (work?: () => void): void => {
  if (work) held.push(work);
  if ((ok = started && granted)) for (const w of held.splice(0)) w();
};

/** Opens the gate once the client is configured: at once, or (consent required) on consent(true). */
export const startGate = (required: boolean): void => {
  started = 1;
  if (!required) granted = 1;
  gate();
};

export const setConsent = (grant: unknown): void => {
  if (!(granted = grant)) held = [];
  gate();
};
