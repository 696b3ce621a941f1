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

/**
 * The index just past the `}` that closes the JSON object opening at `text[start]` (a `{`), or
 * -1 when the text ends first. Strings (and their escapes) are skipped, so braces in values
 * do not count. The text is trusted to be JSON (the registry wrote it).
 */
export function objectEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Skip the string: a quote ends it unless escaped.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c /* \ */) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** An object's API text (see withResourceVersion) and where its `metadata` object starts in it. */
export interface ApiText {
  text: string;
  metadataAt: number;
}

/** withResourceVersion, with the position of metadata's `{`. */
export function apiText(stored: string, prefix: string, resourceVersion: string): ApiText | undefined {
  const text = withResourceVersion(stored, prefix, resourceVersion);
  return text === undefined ? undefined : { text, metadataAt: prefix.length - 1 };
}

/** The `metadata` object's text, or undefined if the text is cut short. */
export function metadataText(api: ApiText): string | undefined {
  const end = objectEnd(api.text, api.metadataAt);
  return end < 0 ? undefined : api.text.slice(api.metadataAt, end);
}
