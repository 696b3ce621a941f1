/**
 * @module What every controller gets and provides. Controllers reach the API only through the
 * client (STYLE.md §9): shared informers for reading, the client for writing, the event
 * recorder for telling users what they did. The clock is injected so tests never sleep.
 */
import type { Client, Clock, InformerFactory } from '../client/index.js';
import type { KubeObject } from '../api/types.js';

/** Writes core/v1 Events about an object, as client-go's EventRecorder does. */
export interface EventRecorder {
  /** `type` is Normal or Warning; `reason` is UpperCamelCase (e.g. ScalingReplicaSet). */
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** Cluster-wide settings some controllers need. */
export interface ClusterConfig {
  serviceCIDR: string;
  nodePortRange: { first: number; last: number };
  /** Loopback range LoadBalancer Services get their ingress IPs from (default 127.0.100.0/24). */
  loadBalancerPool: string;
  clusterDomain: string;
  /** The cluster CA's certificate (PEM) the root CA publisher publishes; absent: it publishes nothing. */
  rootCACertPem?: string;
}

export interface ControllerContext {
  client: Client;
  /** Shared by all controllers; started after every controller's setup(). */
  informers: InformerFactory;
  events: EventRecorder;
  clock: Clock;
  config: ClusterConfig;
}

export interface Controller {
  readonly name: string;
  /** Asks the factory for the informers it needs and adds its handlers. Called before start. */
  setup(ctx: ControllerContext): void;
  /** Runs the workers; called once the informers have synced. Resolves when stopped. */
  run(): Promise<void>;
  /** Shuts the work queue down; run() resolves soon after. */
  stop(): void;
}
