// The gate in front of everything that writes or sends. Closed until the client starts, and,
// with consent required, until consent(true): work is held in memory meanwhile and run in
// order when the gate opens. consent(false) drops what is held. A grant is not remembered:
// the page's consent manager calls consent(true) on each page view (as they do), which keeps
// the script from writing anything of its own about consent.

/** Whether work may write and send now. */
export let ok = false;
let started = false;
let granted = false;
let held: Array<() => void> = [];

const update = () => {
  if ((ok = started && granted)) for (const work of held.splice(0)) work();
};

/** Runs `work` now if the gate is open, else holds it. */
export const gate = (work: () => void): void => {
  if (ok) work();
  else held.push(work);
};

/** Opens the gate once the client is configured: at once, or (consent required) on consent(true). */
export const startGate = (required: boolean): void => {
  started = true;
  granted = granted || !required;
  update();
};

export const setConsent = (grant: boolean): void => {
  granted = grant;
  if (!grant) held = [];
  update();
};
