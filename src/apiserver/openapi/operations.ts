/**
 * @module The operations kube-apiserver documents for each resource, laid out as upstream does
 * (paths, operationIds such as `patchCoreV1NamespacedService`, actions, GVKs, parameters,
 * media types, responses), derived from the resource table. Neutral form: the v2 and v3
 * renderers turn it into Swagger 2.0 and OpenAPI 3.0.
 */
import { RESOURCES, REVIEW_RESOURCES, type ResourceInfo, type SubresourceInfo } from '../../api/resources.js';
import { definitionNameFor } from '../../api/schema/index.js';
import { PARAMETERS, nameParameter, type ParameterKey, type ParameterSpec } from './parameters.js';

export type HttpMethod = 'get' | 'put' | 'post' | 'patch' | 'delete' | 'options' | 'head';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface ResponseSpec {
  code: string;
  description: string;
  /** The response body: a definition name, `string` (logs, streams) or nothing. */
  body?: { ref: string } | { type: 'string' };
}

export interface OperationSpec {
  method: HttpMethod;
  operationId: string;
  description: string;
  /** `x-kubernetes-action`: get, list, post, put, patch, delete, deletecollection, watch, watchlist, connect. */
  action?: string;
  /** `x-kubernetes-group-version-kind`; absent on a group-version's discovery root. */
  gvk?: GroupVersionKind;
  parameters: ParameterSpec[];
  /** The request body's definition. */
  body?: { ref: string; required: boolean };
  consumes: string[];
  produces: string[];
  responses: ResponseSpec[];
  tag: string;
}

export interface PathSpec {
  path: string;
  /** Parameters shared by every operation of the path. */
  parameters: ParameterSpec[];
  operations: OperationSpec[];
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const OBJECT_MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const LIST_MEDIA = [...OBJECT_MEDIA, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PATCH_MEDIA = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const ANY = ['*/*'];
const UNAUTHORIZED: ResponseSpec = { code: '401', description: 'Unauthorized' };
const WATCH_DEPRECATED = "deprecated: use the 'watch' parameter with a list operation instead";

const LIST_PARAMS: ParameterKey[] = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch'];
const WRITE_PARAMS: ParameterKey[] = ['dryRun', 'fieldManager', 'fieldValidation'];
const PATCH_PARAMS: ParameterKey[] = ['dryRun', 'patchFieldManager', 'fieldValidation', 'force'];
const DELETE_PARAMS: ParameterKey[] = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const DELETE_COLLECTION_PARAMS: ParameterKey[] = ['continue', 'dryRun', 'fieldSelector', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'labelSelector', 'limit', 'orphanDependents', 'propagationPolicy', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds'];
const LOG_PARAMS: ParameterKey[] = ['logContainer', 'follow', 'insecureSkipTLSVerifyBackend', 'limitBytes', 'previous', 'sinceSeconds', 'stream', 'tailLines', 'timestamps'];
/** The query parameters of each streaming (`connect`) subresource, by subresource and kind. */
const CONNECT_PARAMS: Record<string, ParameterKey[]> = {
  attach: ['attachContainer', 'attachStderr', 'attachStdin', 'attachStdout', 'attachTty'],
  exec: ['command', 'execContainer', 'execStderr', 'execStdin', 'execStdout', 'execTty'],
  portforward: ['ports'],
  'proxy/Pod': ['podProxyPath'],
  'proxy/Service': ['serviceProxyPath'],
  'proxy/Node': ['nodeProxyPath'],
};
/** Resources whose DELETE answers with the deleted object rather than a Status, as upstream's registries do. */
const DELETE_RETURNS_OBJECT = new Set(['/pods', '/services', '/serviceaccounts']);

/** A parameter's identity in kube-openapi (`mapKeyFromParam`): its name and where it goes. */
function paramKey(p: ParameterSpec): string {
  return `${p.name}\u0000${p.in}`;
}

/** kube-openapi's `sortParameters`: by name, then by `in`, in byte order. */
function sortParameters(list: ParameterSpec[]): ParameterSpec[] {
  return list.sort((a, b) => (paramKey(a) < paramKey(b) ? -1 : paramKey(a) > paramKey(b) ? 1 : 0));
}

function params(keys: readonly ParameterKey[]): ParameterSpec[] {
  return sortParameters(keys.map((k) => PARAMETERS[k]));
}

/** installer.go's `GetArticleForNoun`: none for a plural-looking noun (`Endpoints`), else `a`/`an`. */
function article(noun: string): string {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
}

/**
 * kube-openapi's `buildPaths`: a parameter (not the body) that every operation of a path takes
 * goes to the path, sorted; the rest stay with their operations, sorted. Applied to what each
 * path was built with, so the layout follows from the operations' full parameter lists.
 */
function layoutParameters(spec: PathSpec): PathSpec {
  const full = spec.operations.map((op) => [...spec.parameters, ...op.parameters]);
  const common = full[0].filter((p) => full.every((list) => list.some((q) => paramKey(q) === paramKey(p))));
  const shared = new Set(common.map(paramKey));
  return {
    ...spec,
    parameters: sortParameters(common),
    operations: spec.operations.map((op, i) => ({ ...op, parameters: sortParameters(full[i].filter((p) => !shared.has(paramKey(p)))) })),
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `Core`, `Apps`, `Discovery`, `RbacAuthorization`: the group part of upstream's operationIds. */
function groupWord(group: string): string {
  return group === '' ? 'Core' : group.replace(/\.k8s\.io$/, '').split('.').map(capitalize).join('');
}

/** `api/v1`, `apis/apps/v1`: the key of a group-version in `/openapi/v3`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

function definitionOf(gvk: GroupVersionKind): string {
  const name = definitionNameFor(gvk.group, gvk.version, gvk.kind);
  if (!name) throw new Error(`openapi: no schema definition for ${gvk.group}/${gvk.version} ${gvk.kind}`);
  return name;
}

function objectResponses(ref: string, codes: string[]): ResponseSpec[] {
  const text: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };
  return [...codes.map((code) => ({ code, description: text[code], body: { ref } })), UNAUTHORIZED];
}

interface Naming {
  /** `CoreV1`, `AppsV1`. */
  gv: string;
  /** `Namespaced` or empty. */
  scope: string;
  tag: string;
}

function resourcePaths(info: ResourceInfo, naming: Naming): PathSpec[] {
  const { gv, scope, tag } = naming;
  const kind = info.kind;
  const gvk = { group: info.group, version: info.version, kind };
  const ref = definitionOf(gvk);
  const verbs = new Set(info.verbs);
  const listRef = verbs.has('list') ? definitionOf({ ...gvk, kind: info.listKind }) : '';
  const prefix = `/${groupVersionPath(info.group, info.version)}`;
  const base = info.namespaced ? `${prefix}/namespaces/{namespace}/${info.resource}` : `${prefix}/${info.resource}`;
  const scopeParams = info.namespaced ? [PARAMETERS.namespace] : [];
  const named = [nameParameter(kind), ...scopeParams];
  const op = (o: Omit<OperationSpec, 'gvk' | 'tag' | 'consumes'> & { consumes?: string[]; gvk?: GroupVersionKind }): OperationSpec => ({ consumes: ANY, gvk, tag, ...o });
  const paths: PathSpec[] = [];

  const collection: OperationSpec[] = [];
  if (verbs.has('deletecollection')) {
    collection.push(op({ method: 'delete', operationId: `delete${gv}Collection${scope}${kind}`, description: `delete collection of ${kind}`, action: 'deletecollection', parameters: params(DELETE_COLLECTION_PARAMS), body: { ref: `${META}DeleteOptions`, required: false }, produces: OBJECT_MEDIA, responses: objectResponses(`${META}Status`, ['200']) }));
  }
  if (verbs.has('list')) {
    collection.push(op({ method: 'get', operationId: `list${gv}${scope}${kind}`, description: `list or watch objects of kind ${kind}`, action: 'list', parameters: params(LIST_PARAMS), produces: LIST_MEDIA, responses: objectResponses(listRef, ['200']) }));
  }
  if (verbs.has('create')) {
    collection.push(op({ method: 'post', operationId: `create${gv}${scope}${kind}`, description: `create${article(kind)}${kind}`, action: 'post', parameters: params(WRITE_PARAMS), body: { ref, required: true }, produces: OBJECT_MEDIA, responses: objectResponses(ref, ['200', '201', '202']) }));
  }
  if (collection.length) paths.push({ path: base, parameters: [...scopeParams, PARAMETERS.pretty], operations: collection });

  const item: OperationSpec[] = [];
  if (verbs.has('delete')) {
    const deleted = DELETE_RETURNS_OBJECT.has(`${info.group}/${info.resource}`) ? ref : `${META}Status`;
    item.push(op({ method: 'delete', operationId: `delete${gv}${scope}${kind}`, description: `delete${article(kind)}${kind}`, action: 'delete', parameters: params(DELETE_PARAMS), body: { ref: `${META}DeleteOptions`, required: false }, produces: OBJECT_MEDIA, responses: objectResponses(deleted, ['200', '202']) }));
  }
  if (verbs.has('get')) {
    item.push(op({ method: 'get', operationId: `read${gv}${scope}${kind}`, description: `read the specified ${kind}`, action: 'get', parameters: [], produces: OBJECT_MEDIA, responses: objectResponses(ref, ['200']) }));
  }
  if (verbs.has('patch')) {
    item.push(op({ method: 'patch', operationId: `patch${gv}${scope}${kind}`, description: `partially update the specified ${kind}`, action: 'patch', parameters: params(PATCH_PARAMS), body: { ref: `${META}Patch`, required: true }, consumes: PATCH_MEDIA, produces: OBJECT_MEDIA, responses: objectResponses(ref, ['200', '201']) }));
  }
  if (verbs.has('update')) {
    item.push(op({ method: 'put', operationId: `replace${gv}${scope}${kind}`, description: `replace the specified ${kind}`, action: 'put', parameters: params(WRITE_PARAMS), body: { ref, required: true }, produces: OBJECT_MEDIA, responses: objectResponses(ref, ['200', '201']) }));
  }
  if (item.length) paths.push({ path: `${base}/{name}`, parameters: [...named, PARAMETERS.pretty], operations: item });

  for (const sub of info.subresources) paths.push(...subresourcePaths(info, sub, { base: `${base}/{name}`, named, naming }));

  if (verbs.has('list') && info.namespaced) {
    paths.push({ path: `${prefix}/${info.resource}`, parameters: params([...LIST_PARAMS, 'pretty']), operations: [op({ method: 'get', operationId: `list${gv}${kind}ForAllNamespaces`, description: `list or watch objects of kind ${kind}`, action: 'list', parameters: [], produces: LIST_MEDIA, responses: objectResponses(listRef, ['200']) })] });
  }
  if (verbs.has('watch')) {
    const watchParams = params([...LIST_PARAMS, 'pretty']);
    const watchBase = info.namespaced ? `${prefix}/watch/namespaces/{namespace}/${info.resource}` : `${prefix}/watch/${info.resource}`;
    const event = `${META}WatchEvent`;
    paths.push({ path: watchBase, parameters: [...scopeParams, ...watchParams], operations: [op({ method: 'get', operationId: `watch${gv}${scope}${kind}List`, description: `watch individual changes to a list of ${kind}. ${WATCH_DEPRECATED}.`, action: 'watchlist', parameters: [], produces: LIST_MEDIA, responses: objectResponses(event, ['200']) })] });
    paths.push({ path: `${watchBase}/{name}`, parameters: [...named, ...watchParams], operations: [op({ method: 'get', operationId: `watch${gv}${scope}${kind}`, description: `watch changes to an object of kind ${kind}. ${WATCH_DEPRECATED}, filtered to a single item with the 'fieldSelector' parameter.`, action: 'watch', parameters: [], produces: LIST_MEDIA, responses: objectResponses(event, ['200']) })] });
    if (info.namespaced) {
      paths.push({ path: `${prefix}/watch/${info.resource}`, parameters: watchParams, operations: [op({ method: 'get', operationId: `watch${gv}${kind}ListForAllNamespaces`, description: `watch individual changes to a list of ${kind}. ${WATCH_DEPRECATED}.`, action: 'watchlist', parameters: [], produces: LIST_MEDIA, responses: objectResponses(event, ['200']) })] });
    }
  }
  return paths;
}

function subresourcePaths(info: ResourceInfo, sub: SubresourceInfo, at: { base: string; named: ParameterSpec[]; naming: Naming }): PathSpec[] {
  const { gv, scope, tag } = at.naming;
  const parent = info.kind;
  const word = capitalize(sub.name);
  const gvk = { group: sub.group, version: sub.version, kind: sub.kind };
  const path = `${at.base}/${sub.name}`;
  const verbs = new Set(sub.verbs);
  // Upstream names the subresource's own kind ("name of the PodExecOptions", "name of the Scale").
  const named = [nameParameter(sub.kind), ...at.named.slice(1)];
  const streaming = sub.name === 'attach' || sub.name === 'exec' || sub.name === 'portforward' || sub.name === 'proxy';
  if (streaming) {
    const methods: HttpMethod[] = sub.name === 'proxy' ? ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'] : ['get', 'post'];
    const connect = (suffix: string): OperationSpec[] => methods.map((method) => ({
      method, operationId: `connect${gv}${capitalize(method)}${scope}${parent}${word}${suffix}`, description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${parent}`,
      action: 'connect', gvk, parameters: [], consumes: ANY, produces: ANY, responses: [{ code: '200', description: 'OK', body: { type: 'string' } }, UNAUTHORIZED], tag,
    }));
    const query = params(CONNECT_PARAMS[sub.name] ?? CONNECT_PARAMS[`${sub.name}/${parent}`] ?? []);
    const out: PathSpec[] = [{ path, parameters: [...named, ...query], operations: connect('') }];
    if (sub.name === 'proxy') out.push({ path: `${path}/{path}`, parameters: [...named, PARAMETERS.subpath, ...query], operations: connect('WithPath') });
    return out;
  }
  if (sub.name === 'log') {
    return [{ path, parameters: [...named, ...params([...LOG_PARAMS, 'pretty'])], operations: [{
      method: 'get', operationId: `read${gv}${scope}${parent}Log`, description: `read log of the specified ${parent}`, action: 'get', gvk, parameters: [], consumes: ANY,
      produces: ['text/plain', ...OBJECT_MEDIA], responses: [{ code: '200', description: 'OK', body: { type: 'string' } }, UNAUTHORIZED], tag,
    }] }];
  }
  const ref = definitionOf(gvk);
  const ops: OperationSpec[] = [];
  const base = { gvk, consumes: ANY, produces: OBJECT_MEDIA, tag };
  if (verbs.has('create')) {
    return [{ path, parameters: [...named, ...params([...WRITE_PARAMS, 'pretty'])], operations: [{ ...base, method: 'post', operationId: `create${gv}${scope}${parent}${word}`, description: `create ${sub.name} of a ${parent}`, action: 'post', parameters: [], body: { ref, required: true }, responses: objectResponses(ref, ['200', '201', '202']) }] }];
  }
  if (verbs.has('get')) ops.push({ ...base, method: 'get', operationId: `read${gv}${scope}${parent}${word}`, description: `read ${sub.name} of the specified ${parent}`, action: 'get', parameters: [], responses: objectResponses(ref, ['200']) });
  if (verbs.has('patch')) ops.push({ ...base, method: 'patch', operationId: `patch${gv}${scope}${parent}${word}`, description: `partially update ${sub.name} of the specified ${parent}`, action: 'patch', parameters: params(PATCH_PARAMS), body: { ref: `${META}Patch`, required: true }, consumes: PATCH_MEDIA, responses: objectResponses(ref, ['200', '201']) });
  if (verbs.has('update')) ops.push({ ...base, method: 'put', operationId: `replace${gv}${scope}${parent}${word}`, description: `replace ${sub.name} of the specified ${parent}`, action: 'put', parameters: params(WRITE_PARAMS), body: { ref, required: true }, responses: objectResponses(ref, ['200', '201']) });
  return [{ path, parameters: [...named, PARAMETERS.pretty], operations: ops }];
}

/** What the documents describe: the stored kinds and the create-only reviews, as discovery lists them. */
const DOCUMENTED: readonly ResourceInfo[] = [...RESOURCES, ...REVIEW_RESOURCES];

/** Every group-version kubito serves, in table order: `[{ group: '', version: 'v1' }, ...]`. */
export function servedGroupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of DOCUMENTED) seen.set(groupVersionPath(r.group, r.version), { group: r.group, version: r.version });
  return [...seen.values()];
}

/** A discovery endpoint's one GET (`/api/`, `/apis/apps/v1/`): no parameters, no action, no GVK. */
function discoveryPath(path: string, op: { operationId: string; description: string; ref: string; tag: string; media?: string[] }): PathSpec {
  const media = op.media ?? OBJECT_MEDIA;
  return { path, parameters: [], operations: [{
    method: 'get', operationId: op.operationId, description: op.description, parameters: [], consumes: media, produces: media,
    responses: objectResponses(op.ref, ['200']), tag: op.tag,
  }] };
}

/** `apps`, `rbacAuthorization`: the tag of a group's operations. */
function groupTag(group: string): string {
  const word = groupWord(group);
  return `${word.charAt(0).toLowerCase()}${word.slice(1)}`;
}

/**
 * The documented paths of one group-version: its `get<Group><Version>APIResources` root, then
 * each resource's collection, item, subresource, all-namespaces and watch paths.
 */
export function groupVersionPaths(group: string, version: string): PathSpec[] {
  const gv = `${groupWord(group)}${capitalize(version)}`;
  const tag = `${groupTag(group)}_${version}`;
  const root = discoveryPath(`/${groupVersionPath(group, version)}/`, { operationId: `get${gv}APIResources`, description: 'get available resources', ref: `${META}APIResourceList`, tag });
  const resources = DOCUMENTED.filter((r) => r.group === group && r.version === version);
  return [root, ...resources.flatMap((r) => resourcePaths(r, { gv, scope: r.namespaced ? 'Namespaced' : '', tag }))].map(layoutParameters);
}

/**
 * Every document of `/openapi/v3` by its key, as kube-apiserver lists them: each group-version
 * (`api/v1`, `apis/apps/v1`), and apart from them the discovery roots (`api`: getCoreAPIVersions,
 * `apis`: getAPIVersions, `apis/<group>`: get<Group>APIGroup) and `version` (getCodeVersion).
 * The v2 document holds all their paths. (Upstream also documents `/logs`, `/.well-known/
 * openid-configuration` and `/openid/v1/jwks`, which kubito does not serve.)
 */
export function documentPaths(): Map<string, PathSpec[]> {
  const docs = new Map<string, PathSpec[]>();
  docs.set('api', [discoveryPath('/api/', { operationId: 'getCoreAPIVersions', description: 'get available API versions', ref: `${META}APIVersions`, tag: 'core' })]);
  docs.set('apis', [discoveryPath('/apis/', { operationId: 'getAPIVersions', description: 'get available API versions', ref: `${META}APIGroupList`, tag: 'apis' })]);
  for (const { group, version } of servedGroupVersions()) {
    if (group && !docs.has(`apis/${group}`)) {
      docs.set(`apis/${group}`, [discoveryPath(`/apis/${group}/`, { operationId: `get${groupWord(group)}APIGroup`, description: 'get information of a group', ref: `${META}APIGroup`, tag: groupTag(group) })]);
    }
    docs.set(groupVersionPath(group, version), groupVersionPaths(group, version));
  }
  docs.set('version', [discoveryPath('/version/', { operationId: 'getCodeVersion', description: 'get the version information for this server', ref: 'io.k8s.apimachinery.pkg.version.Info', tag: 'version', media: ['application/json'] })]);
  return docs;
}
