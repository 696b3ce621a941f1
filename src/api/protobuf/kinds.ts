/**
 * @module Which message a `(apiVersion, kind)` pair decodes as: the kinds kubito accepts in
 * protobuf, their `<Kind>List`s, and the meta kinds every group version knows.
 */
import { type MessageDesc, findMessage, listOf } from './descriptor.js';

/** apiVersion/kind -> qualified message name. */
const KINDS: Readonly<Record<string, string>> = {
  'v1/Service': 'core.Service',
  'v1/Namespace': 'core.Namespace',
  'v1/ConfigMap': 'core.ConfigMap',
  'v1/Secret': 'core.Secret',
  'v1/ServiceAccount': 'core.ServiceAccount',
  'v1/Pod': 'core.Pod',
  'v1/Endpoints': 'core.Endpoints',
  'v1/Event': 'core.Event',
  'v1/Node': 'core.Node',
  'apps/v1/Deployment': 'apps.Deployment',
  'apps/v1/ReplicaSet': 'apps.ReplicaSet',
  'discovery.k8s.io/v1/EndpointSlice': 'discovery.EndpointSlice',
  'coordination.k8s.io/v1/Lease': 'coordination.Lease',
};

/** Create-only kinds (the reviews of apiserver/handlers/reviews.ts, TokenRequest), which kubectl 1.32+ sends in protobuf; no lists. */
const REVIEWS: Readonly<Record<string, string>> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'authorization.SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'authorization.SelfSubjectRulesReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'authorization.SubjectAccessReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'authentication.SelfSubjectReview',
  'authentication.k8s.io/v1/TokenReview': 'authentication.TokenReview',
  // serviceaccounts/token: kubectl 1.33's `create token` sends it in protobuf.
  'authentication.k8s.io/v1/TokenRequest': 'authentication.TokenRequest',
};

/** Registered in every group version (DeleteOptions) or unversioned (Status), as upstream does. */
const ANY_VERSION: Readonly<Record<string, string>> = {
  DeleteOptions: 'meta.DeleteOptions',
  Status: 'meta.Status',
};

const lists = new Map<string, MessageDesc>();

/** The message for a kind, or undefined if kubito has no protobuf table for it. */
export function messageForKind(apiVersion: string, kind: string): MessageDesc | undefined {
  const direct = KINDS[`${apiVersion}/${kind}`] ?? REVIEWS[`${apiVersion}/${kind}`] ?? ANY_VERSION[kind];
  if (direct) return findMessage(direct);
  if (!kind.endsWith('List')) return undefined;
  const item = KINDS[`${apiVersion}/${kind.slice(0, -'List'.length)}`];
  if (!item) return undefined;
  let desc = lists.get(item);
  if (!desc) lists.set(item, (desc = listOf(item)));
  return desc;
}

/** Every `{apiVersion, kind}` with a table (lists and meta kinds aside). */
export function protobufKinds(): Array<{ apiVersion: string; kind: string }> {
  return Object.keys(KINDS).map((key) => {
    const slash = key.lastIndexOf('/');
    return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) };
  });
}
