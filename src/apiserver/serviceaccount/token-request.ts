/**
 * @module `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token`: the TokenRequest
 * (authentication.k8s.io/v1) create-only subresource, as upstream's TokenREST.Create
 * (pkg/registry/core/serviceaccount/storage/token.go, 1.33) and the create handler before it:
 * v1 defaults (expirationSeconds 3600), the name check, the service account, the API's
 * audiences by default, ValidateTokenRequest, the bound object (Pod with its node, Secret,
 * Node) and its uid, the kubelet's extended expiration; answered 201 with the token. Nothing
 * is stored.
 */
import { isNotFound, newBadRequest, newConflict, newInvalid, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/types.js';
import { goQuote } from '../../api/validation/go-format.js';
import { decodeBody } from '../negotiate.js';
import type { HandlerResponse } from '../http-types.js';
import type { RestStorage } from '../registry/rest-storage.js';
import { respondObject, type Scope } from '../handlers/scope.js';
import { EXPIRATION_EXTENSION_SECONDS, WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, type TokenSubject } from './claims.js';
import type { ServiceAccountTokens } from './tokens.js';

const GROUP_KIND = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
const API_VERSION = 'authentication.k8s.io/v1';
/** MinTokenAgeSec (pkg/apis/authentication/validation). */
const MIN_TOKEN_AGE_SECONDS = 10 * 60;
const MAX_TOKEN_AGE_SECONDS = 2 ** 32;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Where the bound objects are read from: the registries of pods, secrets and nodes. */
export interface BoundObjectStorages {
  pods: RestStorage;
  secrets: RestStorage;
  nodes: RestStorage;
}

/** schema.FromAPIVersionAndKind: the group and version of an apiVersion (`v1`, `apps/v1`). */
function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** ValidateTokenRequest's field errors. */
function validate(expirationSeconds: number): FieldError[] {
  const errs: FieldError[] = [];
  if (expirationSeconds < MIN_TOKEN_AGE_SECONDS) errs.push({ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', detail: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` });
  if (expirationSeconds > MAX_TOKEN_AGE_SECONDS) errs.push({ type: 'FieldValueInvalid', field: 'spec.expirationSeconds', detail: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` });
  return errs;
}

/** The object's RFC 3339 time to the second, as metav1.Time marshals. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function typeError(what: string): never {
  throw newBadRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: ${what}`);
}

/** The request body as a TokenRequest, with upstream's v1 defaults. */
async function readRequest(scope: Scope): Promise<{ metadata: Obj; audiences: string[]; expirationSeconds: number; boundObjectRef: Obj | undefined }> {
  const body = await decodeBody(scope.http.body, scope.http.headers['content-type'], { apiVersion: API_VERSION, kind: 'TokenRequest' });
  if (!isObj(body)) typeError('json: cannot unmarshal into Go value of type authentication.TokenRequest');
  if ((body.kind ?? '') !== '' && body.kind !== 'TokenRequest') {
    throw newBadRequest(`the object provided is unrecognized (must be of type TokenRequest): ${String(body.kind)} in version "${String(body.apiVersion ?? '')}" cannot be handled as a TokenRequest`);
  }
  const metadata = isObj(body.metadata) ? body.metadata : {};
  const spec = isObj(body.spec) ? body.spec : {};
  const audiences = spec.audiences ?? [];
  if (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string')) typeError('json: cannot unmarshal into Go struct field TokenRequestSpec.spec.audiences of type string');
  const expiration = spec.expirationSeconds ?? 3600;
  if (typeof expiration !== 'number' || !Number.isInteger(expiration)) typeError('json: cannot unmarshal into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64');
  const ref = spec.boundObjectRef ?? undefined;
  if (ref !== undefined && !isObj(ref)) typeError('json: cannot unmarshal into Go struct field TokenRequestSpec.spec.boundObjectRef of type v1.BoundObjectReference');
  return { metadata, audiences: audiences as string[], expirationSeconds: expiration, boundObjectRef: ref };
}

async function getOptional(storage: RestStorage, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await storage.get(namespace, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The answer to a create of serviceaccounts/token. */
export async function createTokenRequest(scope: Scope, context: { tokens: ServiceAccountTokens; storages: BoundObjectStorages }): Promise<HandlerResponse> {
  const { namespace, name } = scope.request;
  const { tokens, storages } = context;
  const req = await readRequest(scope);
  // The create handler's rule for a namespaced object, then TokenREST's name rule.
  const ownNamespace = typeof req.metadata.namespace === 'string' ? req.metadata.namespace : '';
  if (ownNamespace && ownNamespace !== namespace) throw newBadRequest('the namespace of the provided object does not match the namespace sent on the request');
  const ownName = typeof req.metadata.name === 'string' ? req.metadata.name : '';
  if (ownName && ownName !== name) {
    throw newInvalid(GROUP_KIND, name, [{ type: 'FieldValueInvalid', field: 'metadata.name', detail: `Invalid value: ${goQuote(ownName)}: must match the service account name if specified` }]);
  }
  const account = await scope.storage.get(namespace, name);
  const audiences = req.audiences.length ? req.audiences : [...tokens.apiAudiences];
  const nowMs = scope.now;
  const errs = validate(req.expirationSeconds);
  if (errs.length) throw newInvalid(GROUP_KIND, '', errs);

  const subject: TokenSubject = { namespace, serviceAccount: { name: account.metadata.name ?? name, uid: account.metadata.uid ?? '' } };
  const ref = req.boundObjectRef;
  if (ref) {
    const kind = typeof ref.kind === 'string' ? ref.kind : '';
    const gv = groupVersion(typeof ref.apiVersion === 'string' ? ref.apiVersion : '');
    const refName = typeof ref.name === 'string' ? ref.name : '';
    let uid: string;
    if (gv.group === '' && kind === 'Pod') {
      const pod = (await storages.pods.get(namespace, refName)) as KubeObject & { spec?: { serviceAccountName?: string; nodeName?: string } };
      if (name !== (pod.spec?.serviceAccountName ?? '')) throw newBadRequest(`cannot bind token for serviceaccount ${goQuote(name)} to pod running with different serviceaccount name.`);
      uid = pod.metadata.uid ?? '';
      subject.pod = { name: pod.metadata.name ?? refName, uid };
      const nodeName = pod.spec?.nodeName;
      if (nodeName) {
        // A Node that does not exist still names the pod's node in the claims (uid left out).
        const node = await getOptional(storages.nodes, '', nodeName);
        subject.node = { name: nodeName, uid: node?.metadata.uid };
      }
    } else if (gv.group === '' && kind === 'Node') {
      const node = await storages.nodes.get('', refName);
      uid = node.metadata.uid ?? '';
      subject.node = { name: node.metadata.name ?? refName, uid };
    } else if (gv.group === '' && kind === 'Secret') {
      const secret = await storages.secrets.get(namespace, refName);
      uid = secret.metadata.uid ?? '';
      subject.secret = { name: secret.metadata.name ?? refName, uid };
    } else {
      throw newBadRequest(`cannot bind token to object of type ${gv.group}/${gv.version}, Kind=${kind}`);
    }
    const refUid = typeof ref.uid === 'string' ? ref.uid : '';
    if (refUid && refUid !== uid) {
      throw newConflict({ group: gv.group, resource: kind }, refName, `the UID in the bound object reference (${refUid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
  }

  // The kubelet's projected tokens (3607 s, the API's audiences, pod-bound) live a year and
  // only warn after their hour (--service-account-extend-token-expiration, on by default).
  let expiration = req.expirationSeconds;
  let warnAfter = 0;
  if (subject.pod && expiration === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && tokens.isApiAudiences(audiences)) {
    warnAfter = expiration;
    expiration = EXPIRATION_EXTENSION_SECONDS;
  }
  const now = Math.floor(nowMs / 1000);
  const token = tokens.issue(subject, { now, expirationSeconds: expiration, warnAfter, audiences });
  const answer = {
    kind: 'TokenRequest',
    apiVersion: API_VERSION,
    metadata: { name, namespace, creationTimestamp: rfc3339(nowMs) },
    spec: { audiences, expirationSeconds: req.expirationSeconds, boundObjectRef: ref ?? null },
    status: { token, expirationTimestamp: rfc3339((now + req.expirationSeconds) * 1000) },
  };
  return respondObject(scope, 201, answer as unknown as KubeObject);
}
