/**
 * @module The controllers of the control plane, in one explicit table, and the loop that
 * starts them the way kube-controller-manager does: every controller registers its informers,
 * the shared informers start and sync, then every controller's workers run.
 */
import type { Controller, ControllerContext } from './controller.js';
import { GarbageCollector } from './garbage-collector/controller.js';
import { LoadBalancerController } from './loadbalancer/controller.js';
import { NamespaceController } from './namespace/controller.js';

/** Every controller kubito runs, by name. */
export const CONTROLLERS: Record<string, () => Controller> = {
  'garbage-collector': () => new GarbageCollector(),
  'namespace-controller': () => new NamespaceController(),
  'service-lb-controller': () => new LoadBalancerController(),
};

export interface RunningControllers {
  stop(): Promise<void>;
}

export async function startControllers(ctx: ControllerContext, names: string[] = Object.keys(CONTROLLERS)): Promise<RunningControllers> {
  const controllers = names.map((name) => {
    const make = CONTROLLERS[name];
    if (!make) throw new Error(`unknown controller ${name}`);
    return make();
  });
  for (const c of controllers) c.setup(ctx);
  ctx.informers.start();
  await ctx.informers.waitForSync();
  const running = controllers.map((c) =>
    c.run().catch((err: unknown) => {
      console.error(`controller ${c.name} stopped:`, err);
    }),
  );
  return {
    async stop() {
      for (const c of controllers) c.stop();
      ctx.informers.stop();
      await Promise.all(running);
    },
  };
}
