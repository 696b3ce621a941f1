/**
 * @module The controllers of the control plane, in one explicit table, and the loop that
 * starts them the way kube-controller-manager does: every controller registers its informers,
 * the shared informers start and sync, then every controller's workers run.
 */
import type { Controller, ControllerContext, EventRecorder } from './controller.js';
import { DeploymentController } from './deployment/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { EndpointSliceController } from './endpointslice/controller.js';
import { EndpointSliceMirroringController } from './endpointslicemirroring/controller.js';
import { GarbageCollector } from './garbage-collector/controller.js';
import { LoadBalancerController } from './loadbalancer/controller.js';
import { NamespaceController } from './namespace/controller.js';
import { NodeLifecycleController } from './nodelifecycle/controller.js';
import { TaintEvictionController } from './nodelifecycle/taint-eviction.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { RootCACertPublisher } from './rootcacert/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';

/** Every controller kubito runs, by name. */
export const CONTROLLERS: Record<string, () => Controller> = {
  'garbage-collector': () => new GarbageCollector(),
  'namespace-controller': () => new NamespaceController(),
  'node-lifecycle-controller': () => new NodeLifecycleController(),
  'taint-eviction-controller': () => new TaintEvictionController(),
  'service-lb-controller': () => new LoadBalancerController(),
  deployment: () => new DeploymentController(),
  replicaset: () => new ReplicaSetController(),
  endpointslice: () => new EndpointSliceController(),
  endpoints: () => new EndpointsController(),
  endpointslicemirroring: () => new EndpointSliceMirroringController(),
  serviceaccount: () => new ServiceAccountController(),
  'root-ca-cert-publisher': () => new RootCACertPublisher(),
};

/** The `source.component` of each controller's events, as upstream names them. */
const EVENT_SOURCE: Record<string, string> = {
  'service-lb-controller': 'service-controller',
  'node-lifecycle-controller': 'node-controller',
  deployment: 'deployment-controller',
  replicaset: 'replicaset-controller',
  endpointslice: 'endpointslice-controller',
  endpoints: 'endpoint-controller',
  endpointslicemirroring: 'endpoint-slice-mirroring-controller',
  serviceaccount: 'serviceaccount-controller',
  'garbage-collector': 'garbage-collector-controller',
};

export interface RunningControllers {
  stop(): Promise<void>;
}

export interface StartContext extends Omit<ControllerContext, 'events'> {
  /** An event recorder whose events name `component` as their source. */
  recorderFor(component: string): EventRecorder;
}

export async function startControllers(ctx: StartContext, names: string[] = Object.keys(CONTROLLERS)): Promise<RunningControllers> {
  const controllers = names.map((name) => {
    const make = CONTROLLERS[name];
    if (!make) throw new Error(`unknown controller ${name}`);
    return { name, controller: make() };
  }).map(({ name, controller }) => {
    const { recorderFor, ...shared } = ctx;
    controller.setup({ ...shared, events: recorderFor(EVENT_SOURCE[name] ?? name) });
    return controller;
  });
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
