/**
 * @module Printers for the configuration kinds: ConfigMap (`NAME DATA AGE`), Secret (`NAME TYPE
 * DATA AGE`) and ServiceAccount (`NAME SECRETS AGE`). The counts are JSON integers.
 */
import { AGE_COLUMN, NAME_COLUMN, column, str } from './columns.js';
import { DOC } from './descriptions.js';
import { since } from './duration.js';
import type { KubeObject } from '../types.js';
import type { PrintContext, Printer, TableRow } from './types.js';

interface ConfigMapView {
  metadata: { name?: string; creationTimestamp?: string | null };
  data?: Record<string, string> | null;
  binaryData?: Record<string, string> | null;
}

export const configMapPrinter: Printer = {
  columns: [NAME_COLUMN, column('Data', 'string', DOC.configMapData), AGE_COLUMN],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const cm = obj as unknown as ConfigMapView;
    const count = Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length;
    return { cells: [str(cm.metadata.name), count, since(cm.metadata.creationTimestamp, now)] };
  },
};

interface SecretView {
  metadata: { name?: string; creationTimestamp?: string | null };
  type?: string;
  data?: Record<string, string> | null;
  stringData?: Record<string, string> | null;
}

export const secretPrinter: Printer = {
  columns: [NAME_COLUMN, column('Type', 'string', DOC.secretType), column('Data', 'string', DOC.secretData), AGE_COLUMN],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const secret = obj as unknown as SecretView;
    // v1 -> internal conversion merges stringData into data; defaulting makes the type Opaque.
    const keys = new Set([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
    return { cells: [str(secret.metadata.name), str(secret.type) || 'Opaque', keys.size, since(secret.metadata.creationTimestamp, now)] };
  },
};

interface ServiceAccountView {
  metadata: { name?: string; creationTimestamp?: string | null };
  secrets?: unknown[] | null;
}

export const serviceAccountPrinter: Printer = {
  columns: [NAME_COLUMN, column('Secrets', 'string', DOC.serviceAccountSecrets), AGE_COLUMN],
  row(obj: KubeObject, { now }: PrintContext): TableRow {
    const sa = obj as unknown as ServiceAccountView;
    return { cells: [str(sa.metadata.name), (sa.secrets ?? []).length, since(sa.metadata.creationTimestamp, now)] };
  },
};
