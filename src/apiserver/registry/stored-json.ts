/**
 * @module The registry's stored text, read without decoding it. The registry stores an object
 * as JSON with `apiVersion`, `kind` and `metadata` first and without `metadata.resourceVersion`
 * (the store's revision is the resourceVersion). So the API form of a stored object is its text
 * with `"resourceVersion":"<rev>"` spliced in at the start of `metadata`: a list can be sent
 * without parsing and re-encoding every item. Text in any other layout (written by an older
 * kubito, or reshaped by a codec) is not recognised, and the caller decodes it instead.
 */

/** The text every stored object of this apiVersion and kind starts with. */
export function storedPrefix(apiVersion: string, kind: string): string {
  return `{"apiVersion":${JSON.stringify(apiVersion)},"kind":${JSON.stringify(kind)},"metadata":{`;
}

/**
 * The stored text with `resourceVersion` as the first field of metadata, or undefined when the
 * text does not start with `prefix` (then it must be decoded). The result is the same JSON value
 * as the decoded object with its resourceVersion set, re-encoded.
 */
export function withResourceVersion(text: string, prefix: string, resourceVersion: string): string | undefined {
  if (!text.startsWith(prefix)) return undefined;
  const rest = text.slice(prefix.length);
  // A stored object never has resourceVersion; one that had would end up with it twice.
  if (rest.startsWith('"resourceVersion":')) return undefined;
  const field = `"resourceVersion":${JSON.stringify(resourceVersion)}`;
  return `${prefix}${field}${rest.startsWith('}') ? '' : ','}${rest}`;
}
