// The reward pipeline: subscribes the engine to the event bus and runs the periodic jobs.
// For every event, inside the writer's transaction and in this order:
//   1. webhook outbox rows for the subscribed endpoints (webhooks.ts),
//   2. tier promotion (tiers.ts), so the event already sees the partner's new tier,
//   3. offers -> rewards (offers.ts), which emit reward.created (back through the bus),
//   4. triggers (triggers.ts).
// The workers approve rewards whose hold has ended and deliver the webhook outbox.
import type { AppContext } from '../../context.js';
import type { DomainEvent } from '../events.js';
import { approveDue } from './ledger.js';
import { rewardOffers } from './offers.js';
import { promoteOnEvent } from './tiers.js';
import { runTriggers } from './triggers.js';
import { deliverDue, enqueueEvent, type DeliverOptions } from './webhooks.js';

export function registerRewardPipeline(ctx: AppContext): void {
  ctx.bus.on((_db, event: DomainEvent) => {
    enqueueEvent(ctx, event);
    promoteOnEvent(ctx, event);
    rewardOffers(ctx, event);
    runTriggers(ctx, event);
  });
}

export interface WorkerOptions extends DeliverOptions {
  /** Time between two runs of the jobs. @default 1000 */
  intervalMs?: number;
}

/** Starts the periodic jobs on unref'd timers; the returned function stops them and waits for a running pass. */
export function startWorkers(ctx: AppContext, opts: WorkerOptions = {}): () => Promise<void> {
  const interval = opts.intervalMs ?? 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const pass = async () => {
    try {
      approveDue(ctx);
      await deliverDue(ctx, opts);
    } catch (err) {
      ctx.options.log?.(`reward worker: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(schedule);
    }, interval);
    timer.unref();
  };
  schedule();

  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}

export { approveDue } from './ledger.js';
export { deliverDue } from './webhooks.js';
