/**
 * @module The claims of a service account token and who they authenticate as: upstream's
 * pkg/serviceaccount/claims.go (Claims, validator.Validate) and
 * apiserver/pkg/authentication/serviceaccount's ServiceAccountInfo.UserInfo, with 1.33's
 * default feature gates (ServiceAccountTokenJTI, ServiceAccountTokenPodNodeInfo,
 * ServiceAccountTokenNodeBinding and its validation on). Pure: the objects a check needs are
 * handed in by the caller.
 */
import type { UserInfo } from '../impersonation.js';

/** `--service-account-issuer` as kubeadm sets it, and the API's audience (`--api-audiences`). */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The kubelet's projected-token expiration that the API server extends (WarnOnlyBoundTokenExpirationSeconds). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
/** What such a token really lives (ExpirationExtensionSeconds): a year. */
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;
/** go-jose's jwt.DefaultLeeway, in seconds: for exp, nbf, iat, and objects deleted "before now". */
export const LEEWAY_SECONDS = 60;

export const POD_NAME_KEY = 'authentication.kubernetes.io/pod-name';
export const POD_UID_KEY = 'authentication.kubernetes.io/pod-uid';
export const NODE_NAME_KEY = 'authentication.kubernetes.io/node-name';
export const NODE_UID_KEY = 'authentication.kubernetes.io/node-uid';
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';

export interface ObjectRef {
  name: string;
  uid: string;
}

/** What a token is issued for: the service account, and at most one bound object (a pod may carry its node). */
export interface TokenSubject {
  namespace: string;
  serviceAccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** The pod's node (name, uid when the Node exists), or the Node the token is bound to. */
  node?: { name: string; uid?: string };
}

export interface ClaimOptions {
  /** Seconds since the epoch. */
  now: number;
  expirationSeconds: number;
  /** Seconds after `now` from which a use is stale (only for the extended kubelet tokens); 0 = none. */
  warnAfter?: number;
  audiences: string[];
  jti: string;
}

/** `{name?, uid?}` with Go's omitempty. */
function ref(name: string, uid: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (name) out.name = name;
  if (uid) out.uid = uid;
  return out;
}

/** The claims upstream's Claims and JWTTokenGenerator put in a token (the signer sorts the keys). */
export function tokenClaims(subject: TokenSubject, options: ClaimOptions): Record<string, unknown> {
  const k8s: Record<string, unknown> = {
    namespace: subject.namespace,
    serviceaccount: ref(subject.serviceAccount.name, subject.serviceAccount.uid),
  };
  if (subject.pod) {
    k8s.pod = ref(subject.pod.name, subject.pod.uid);
    if (subject.node) k8s.node = ref(subject.node.name, subject.node.uid);
  } else if (subject.secret) k8s.secret = ref(subject.secret.name, subject.secret.uid);
  else if (subject.node) k8s.node = ref(subject.node.name, subject.node.uid);
  if (options.warnAfter) k8s.warnafter = options.now + options.warnAfter;
  return {
    aud: options.audiences,
    exp: options.now + options.expirationSeconds,
    iat: options.now,
    iss: ISSUER,
    jti: options.jti,
    'kubernetes.io': k8s,
    nbf: options.now,
    sub: `system:serviceaccount:${subject.namespace}:${subject.serviceAccount.name}`,
  };
}

/** The fields of a stored object a check reads. */
export interface LiveObject {
  metadata?: { uid?: string; deletionTimestamp?: string | null };
}

/**
 * The objects a token's validation reads (upstream's ServiceAccountTokenGetter); each resolves
 * undefined when the object does not exist.
 */
export interface TokenGetters {
  serviceAccount(namespace: string, name: string): Promise<LiveObject | undefined>;
  pod(namespace: string, name: string): Promise<LiveObject | undefined>;
  secret(namespace: string, name: string): Promise<LiveObject | undefined>;
  node(name: string): Promise<LiveObject | undefined>;
}

/** Who a token authenticates as, or why it does not (upstream's error text). */
export type ValidationResult = { user: UserInfo } | { error: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function refOf(v: unknown): ObjectRef | undefined {
  return isObj(v) ? { name: str(v.name), uid: str(v.uid) } : undefined;
}

/** A deletionTimestamp before now - leeway (an object gone for good, as the validator sees it). */
function deletedBefore(obj: LiveObject, nowSeconds: number): boolean {
  const ts = obj.metadata?.deletionTimestamp;
  return typeof ts === 'string' && Date.parse(ts) / 1000 < nowSeconds - LEEWAY_SECONDS;
}

/** A NumericDate claim: a JSON number (go-jose reads it as a float, truncated), or undefined. */
function numericDate(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : undefined;
}

/**
 * validator.Validate: the time claims (with the leeway), then the service account (it exists
 * with the claimed uid and was not deleted), the bound secret or pod (likewise), the node of a
 * node-bound token; then the user of ServiceAccountInfo.UserInfo, system:authenticated added.
 */
export async function validateClaims(claims: Obj, getters: TokenGetters, nowSeconds: number): Promise<ValidationResult> {
  const nbf = numericDate(claims.nbf);
  const exp = numericDate(claims.exp);
  const iat = numericDate(claims.iat);
  if (nbf !== undefined && nowSeconds + LEEWAY_SECONDS < nbf) return { error: 'service account token is not valid yet' };
  if (exp !== undefined && nowSeconds - LEEWAY_SECONDS > exp) return { error: 'service account token has expired' };
  if (iat !== undefined && nowSeconds + LEEWAY_SECONDS < iat) return { error: 'service account token is issued in the future' };

  const k8s = isObj(claims['kubernetes.io']) ? claims['kubernetes.io'] : {};
  const namespace = str(k8s.namespace);
  const sa = refOf(k8s.serviceaccount) ?? { name: '', uid: '' };
  const podRef = refOf(k8s.pod);
  const secretRef = refOf(k8s.secret);
  const nodeRef = refOf(k8s.node);

  // A read that fails is a failed authentication (401), not a server error: upstream returns the
  // getter's error, which the authenticator chain turns into Unauthorized.
  let account: LiveObject | undefined;
  try {
    account = await getters.serviceAccount(namespace, sa.name);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (!account) return { error: `serviceaccounts ${JSON.stringify(sa.name)} not found` };
  const accountUid = account.metadata?.uid ?? '';
  if (accountUid !== sa.uid) return { error: `service account UID (${accountUid}) does not match claim (${sa.uid})` };
  if (deletedBefore(account, nowSeconds)) return { error: `service account ${namespace}/${sa.name} has been deleted` };

  const bound: Array<[string, ObjectRef | undefined, () => Promise<LiveObject | undefined>]> = [
    ['secret', secretRef, () => getters.secret(namespace, secretRef!.name)],
    ['pod', podRef, () => getters.pod(namespace, podRef!.name)],
    // A pod-bound token's node is information only; a Node-bound token's node must exist.
    ['node', podRef ? undefined : nodeRef, () => getters.node(nodeRef!.name)],
  ];
  for (const [kind, claimed, get] of bound) {
    if (!claimed) continue;
    // Upstream answers a failed read of the bound object as it answers a missing one.
    const obj = await get().catch(() => undefined);
    if (!obj) return { error: 'service account token has been invalidated' };
    const uid = obj.metadata?.uid ?? '';
    if (uid !== claimed.uid) return { error: `${kind} UID (${uid}) does not match service account ${kind} ref claim (${claimed.uid})` };
    if (deletedBefore(obj, nowSeconds)) return { error: 'service account token has been invalidated' };
  }

  const extra: Record<string, string[]> = {};
  const jti = str(claims.jti);
  if (jti) extra[CREDENTIAL_ID_KEY] = [`JTI=${jti}`];
  if (nodeRef?.name) {
    extra[NODE_NAME_KEY] = [nodeRef.name];
    if (nodeRef.uid) extra[NODE_UID_KEY] = [nodeRef.uid];
  }
  if (podRef?.name && podRef.uid) {
    extra[POD_NAME_KEY] = [podRef.name];
    extra[POD_UID_KEY] = [podRef.uid];
  }
  const user: UserInfo = {
    username: `system:serviceaccount:${namespace}:${sa.name}`,
    uid: sa.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
  if (Object.keys(extra).length) user.extra = extra;
  return { user };
}
