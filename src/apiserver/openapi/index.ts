/**
 * @module OpenAPI for kubito's API server: `/openapi/v2` (Swagger 2.0, JSON or gnostic protobuf)
 * and `/openapi/v3` (a root listing one OpenAPI 3.0 document per group-version), built from the
 * resource table and the schema registry. Import from here.
 */
export {
  OPENAPI_JSON_CONTENT_TYPE,
  OPENAPI_V2_PROTOBUF_CONTENT_TYPE,
  OPENAPI_V2_PROTOBUF_DEPRECATED_CONTENT_TYPE,
  negotiate,
  openapiResponse,
  openapiV2Document,
  openapiV3Document,
  openapiV3Root,
  renderedV2,
  renderedV3Document,
  renderedV3Root,
  serverRelativeURL,
  type OpenAPIRequestOptions,
  type OpenAPIResponse,
  type OpenAPIRootDocument,
  type RenderedDocument,
} from './serve.js';
export type { OpenAPIV3Document } from './v3.js';
export type { SwaggerDocument } from './v2.js';
export { groupVersionPath, groupVersionPaths, servedGroupVersions } from './operations.js';
