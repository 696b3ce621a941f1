/*
 * The answer the proxy's addons give for a command they ran in its place (the iptables table
 * reader, libnftables, a spawned restore): `{ code, stdout, stderr }`, the shape the runner's
 * CommandRunner results have. Included by each addon (each is one compilation unit).
 */
#ifndef KUBITO_COMMAND_ANSWER_H
#define KUBITO_COMMAND_ANSWER_H

#include <node_api.h>
#include <stddef.h>

/* out/err NULL: empty; their lengths in bytes (NAPI_AUTO_LENGTH for NUL-terminated text). */
static napi_value command_answer(napi_env env, int code, const char *out, size_t olen, const char *err, size_t elen) {
  napi_value result, v;
  napi_create_object(env, &result);
  napi_create_int32(env, code, &v);
  napi_set_named_property(env, result, "code", v);
  napi_create_string_utf8(env, out ? out : "", out ? olen : 0, &v);
  napi_set_named_property(env, result, "stdout", v);
  napi_create_string_utf8(env, err ? err : "", err ? elen : 0, &v);
  napi_set_named_property(env, result, "stderr", v);
  return result;
}

#endif
