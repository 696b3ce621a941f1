/**
 * @module Definitions: authentication.k8s.io/v1 TokenRequest (the token subresource of
 * ServiceAccounts), TokenReview and SelfSubjectReview (create-only reviews). Fields, types, list
 * extensions and descriptions follow upstream's OpenAPI.
 */
import type { Definitions } from './types.js';
import { arr, bool, int64, kindSchema, map, obj, ref, str } from './builders.js';
import { META } from './names.js';

const AUTHN = 'io.k8s.api.authentication.v1.';

export const AUTHENTICATION_V1_DEFINITIONS: Definitions = {
  [`${AUTHN}BoundObjectReference`]: obj('BoundObjectReference is a reference to an object that a token is bound to.', {
    apiVersion: str('API version of the referent.'),
    kind: str("Kind of the referent. Valid kinds are 'Pod' and 'Secret'."),
    name: str('Name of the referent.'),
    uid: str('UID of the referent.'),
  }),
  [`${AUTHN}TokenRequest`]: kindSchema('TokenRequest requests a token for a given service account.', {
    gvk: ['authentication.k8s.io', 'v1', 'TokenRequest'],
    metadata: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    spec: [AUTHN + 'TokenRequestSpec', 'Spec holds information about the request being evaluated'],
    status: [AUTHN + 'TokenRequestStatus', 'Status is filled in by the server and indicates whether the token can be authenticated.'],
    required: ['spec'],
  }),
  [`${AUTHN}TokenRequestSpec`]: obj('TokenRequestSpec contains client provided parameters of a token request.', {
    audiences: arr(str(), 'Audiences are the intendend audiences of the token. A recipient of a token must identify themself with an identifier in the list of audiences of the token, and otherwise should reject the token. A token issued for multiple audiences may be used to authenticate against any of the audiences listed but implies a high degree of trust between the target audiences.', { listType: 'atomic' }),
    boundObjectRef: ref(AUTHN + 'BoundObjectReference', "BoundObjectRef is a reference to an object that the token will be bound to. The token will only be valid for as long as the bound object exists. NOTE: The API server's TokenReview endpoint will validate the BoundObjectRef, but other audiences may not. Keep ExpirationSeconds small if you want prompt revocation."),
    expirationSeconds: int64("ExpirationSeconds is the requested duration of validity of the request. The token issuer may return a token with a different validity duration so a client needs to check the 'expiration' field in a response."),
  }, { required: ['audiences'] }),
  [`${AUTHN}TokenRequestStatus`]: obj('TokenRequestStatus is the result of a token request.', {
    expirationTimestamp: ref(META + 'Time', 'ExpirationTimestamp is the time of expiration of the returned token.'),
    token: str('Token is the opaque bearer token.'),
  }, { required: ['token', 'expirationTimestamp'] }),
  [`${AUTHN}SelfSubjectReview`]: kindSchema('SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request. When using impersonation, users will receive the user info of the user being impersonated.  If impersonation or request header authentication is used, any extra keys will have their case ignored and returned as lowercase.', {
    gvk: ['authentication.k8s.io', 'v1', 'SelfSubjectReview'],
    metadata: 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
    status: [AUTHN + 'SelfSubjectReviewStatus', 'Status is filled in by the server with the user attributes.'],
  }),
  [`${AUTHN}SelfSubjectReviewStatus`]: obj('SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.', {
    userInfo: ref(AUTHN + 'UserInfo', 'User attributes of the user making this request.'),
  }),
  [`${AUTHN}TokenReview`]: kindSchema('TokenReview attempts to authenticate a token to a known user. Note: TokenReview requests may be cached by the webhook token authenticator plugin in the kube-apiserver.', {
    gvk: ['authentication.k8s.io', 'v1', 'TokenReview'],
    metadata: 'Standard object\'s metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
    spec: [AUTHN + 'TokenReviewSpec', 'Spec holds information about the request being evaluated'],
    status: [AUTHN + 'TokenReviewStatus', 'Status is filled in by the server and indicates whether the request can be authenticated.'],
    required: ['spec'],
  }),
  [`${AUTHN}TokenReviewSpec`]: obj('TokenReviewSpec is a description of the token authentication request.', {
    audiences: arr(str(), 'Audiences is a list of the identifiers that the resource server presented with the token identifies as. Audience-aware token authenticators will verify that the token was intended for at least one of the audiences in this list. If no audiences are provided, the audience will default to the audience of the Kubernetes apiserver.', { listType: 'atomic' }),
    token: str('Token is the opaque bearer token.'),
  }),
  [`${AUTHN}TokenReviewStatus`]: obj('TokenReviewStatus is the result of the token authentication request.', {
    audiences: arr(str(), 'Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token. An identifier is any identifier in the intersection of the TokenReviewSpec audiences and the token\'s audiences. A client of the TokenReview API that sets the spec.audiences field should validate that a compatible audience identifier is returned in the status.audiences field to ensure that the TokenReview server is audience aware.', { listType: 'atomic' }),
    authenticated: bool('Authenticated indicates that the token was associated with a known user.'),
    error: str('Error indicates that the token couldn\'t be checked'),
    user: ref(AUTHN + 'UserInfo', 'User is the UserInfo associated with the provided token.'),
  }),
  [`${AUTHN}UserInfo`]: obj('UserInfo holds the information about the user needed to implement the user.Info interface.', {
    extra: map(arr(str()), 'Any additional information provided by the authenticator.'),
    groups: arr(str(), 'The names of groups this user is a part of.', { listType: 'atomic' }),
    uid: str('A unique value that identifies this user across time. If this user is deleted and another user by the same name is added, they will have different UIDs.'),
    username: str('The name that uniquely identifies this user among all active users.'),
  }),
};
