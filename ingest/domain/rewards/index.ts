// STUB (owned by the reward pipeline): subscribes the offer engine, tiers, triggers and the
// webhook outbox to the event bus; startWorkers runs the periodic jobs (reward approval after
// the hold period, webhook delivery) and returns a stop function.
import type { AppContext } from '../../context.js';

export function registerRewardPipeline(_ctx: AppContext): void {}

export function startWorkers(_ctx: AppContext): () => Promise<void> {
  return async () => {};
}
