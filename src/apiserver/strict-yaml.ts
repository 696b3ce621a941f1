/**
 * @module Duplicate keys in a YAML body, as kube-apiserver's strict decoding finds them: it reads
 * the text again with yaml.v2's UnmarshalStrict (sigs.k8s.io/yaml YAMLToJSONStrict), whose error
 * lists each key a mapping names twice, at the line of the repeated key's value, after the
 * errors inside that value: `yaml: unmarshal errors:\n  line 5: key "name" already set in map`.
 * The decode itself keeps the last value (yaml.v2 without strict), as the yaml package does
 * with `uniqueKeys: false`.
 */
import type { Node as YamlNode } from 'yaml';
import { goNumber, goQuote } from './patch/go-format.js';
import { yaml } from './negotiate.js';

/** The prefix of the error kube-apiserver splits into one warning per line (parseYAMLWarnings). */
export const YAML_STRICT_PREFIX = 'yaml: unmarshal errors:\n';

/** Go's `%#v` of a decoded map key. */
function goKey(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (value === null || value === undefined) return '<nil>';
  return String(value);
}

/** The lines (`line 5: key "name" already set in map`) of every duplicate key of `text`'s first document. */
export function yamlDuplicateKeys(text: string): string[] {
  const y = yaml();
  const lines = new y.LineCounter();
  const doc = y.parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  const out: string[] = [];
  const visit = (node: unknown): void => {
    if (y.isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (y.isScalar(pair.key) && pair.key.value === '<<') continue; // a merge key
        visit(pair.value);
        const key = y.isScalar(pair.key) ? pair.key.value : pair.key;
        const identity = `${typeof key}:${String(key)}`;
        if (seen.has(identity)) {
          const at = (pair.value as YamlNode | null)?.range?.[0] ?? (pair.key as YamlNode | null)?.range?.[0] ?? 0;
          out.push(`line ${lines.linePos(at).line}: key ${goKey(key)} already set in map`);
        } else seen.add(identity);
      }
    } else if (y.isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return out;
}

/** The error text of yaml.v2's strict decode of `text`, or undefined when no key repeats. */
export function yamlStrictError(text: string): string | undefined {
  const duplicates = yamlDuplicateKeys(text);
  return duplicates.length ? `${YAML_STRICT_PREFIX}  ${duplicates.join('\n  ')}` : undefined;
}

/** One warning per violation, as kube-apiserver's addStrictDecodingWarnings splits a yaml error. */
export function strictWarnings(errors: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const long = `error converting YAML to JSON: ${YAML_STRICT_PREFIX}`;
    const rest = e.startsWith(YAML_STRICT_PREFIX) ? e.slice(YAML_STRICT_PREFIX.length) : e.startsWith(long) ? e.slice(long.length) : undefined;
    if (rest === undefined) out.push(e);
    else out.push(...rest.split('\n').map((line) => line.trim()));
  }
  return out;
}
