/**
 * @module Definitions: authentication.k8s.io/v1 TokenRequest (the token subresource of
 * ServiceAccounts). Fields, types, list extensions and descriptions follow upstream's OpenAPI.
 */
import type { Definitions } from './types.js';
import { arr, gvk, int64, obj, ref, str, typeMeta } from './builders.js';
import { META } from './names.js';

const AUTHN = 'io.k8s.api.authentication.v1.';

export const AUTHENTICATION_V1_DEFINITIONS: Definitions = {
  [`${AUTHN}BoundObjectReference`]: obj('BoundObjectReference is a reference to an object that a token is bound to.', {
    apiVersion: str('API version of the referent.'),
    kind: str("Kind of the referent. Valid kinds are 'Pod' and 'Secret'."),
    name: str('Name of the referent.'),
    uid: str('UID of the referent.'),
  }),
  [`${AUTHN}TokenRequest`]: obj('TokenRequest requests a token for a given service account.', {
    ...typeMeta(),
    metadata: ref(META + 'ObjectMeta', "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
    spec: ref(AUTHN + 'TokenRequestSpec', 'Spec holds information about the request being evaluated'),
    status: ref(AUTHN + 'TokenRequestStatus', 'Status is filled in by the server and indicates whether the token can be authenticated.'),
  }, { required: ['spec'], gvk: gvk('authentication.k8s.io', 'v1', 'TokenRequest') }),
  [`${AUTHN}TokenRequestSpec`]: obj('TokenRequestSpec contains client provided parameters of a token request.', {
    audiences: arr(str(), 'Audiences are the intendend audiences of the token. A recipient of a token must identify themself with an identifier in the list of audiences of the token, and otherwise should reject the token. A token issued for multiple audiences may be used to authenticate against any of the audiences listed but implies a high degree of trust between the target audiences.', { listType: 'atomic' }),
    boundObjectRef: ref(AUTHN + 'BoundObjectReference', "BoundObjectRef is a reference to an object that the token will be bound to. The token will only be valid for as long as the bound object exists. NOTE: The API server's TokenReview endpoint will validate the BoundObjectRef, but other audiences may not. Keep ExpirationSeconds small if you want prompt revocation."),
    expirationSeconds: int64("ExpirationSeconds is the requested duration of validity of the request. The token issuer may return a token with a different validity duration so a client needs to check the 'expiration' field in a response."),
  }, { required: ['audiences'] }),
  [`${AUTHN}TokenRequestStatus`]: obj('TokenRequestStatus is the result of a token request.', {
    expirationTimestamp: ref(META + 'Time', 'ExpirationTimestamp is the time of expiration of the returned token.'),
    token: str('Token is the opaque bearer token.'),
  }, { required: ['token', 'expirationTimestamp'] }),
};
