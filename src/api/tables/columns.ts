/**
 * @module Small helpers the printers share: column constructors, the Name and Age columns
 * every kind repeats, and typed reads of the loosely typed parts of an object.
 */
import { DOC } from './descriptions.js';
import type { TableColumnDefinition } from './types.js';

/** A column; `format` is `""` and `priority` 0 unless given, as in Go's zero values. */
export function column(
  name: string,
  type: string,
  description: string,
  opts: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** `{Name: "Name", Type: "string", Format: "name", Description: ObjectMeta "name"}`. */
export const NAME_COLUMN = column('Name', 'string', DOC.name, { format: 'name' });

/** `{Name: "Age", Type: "string", Description: ObjectMeta "creationTimestamp"}`. */
export const AGE_COLUMN = column('Age', 'string', DOC.creationTimestamp);

/** The containers' names and images, each joined with `,` (`layoutContainerCells`). */
export function containerCells(containers: ReadonlyArray<{ name?: string; image?: string }> | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** A number read from a field that may be absent or mistyped: 0, Go's zero value. */
export function int(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** A string read from a field that may be absent (Go's zero value). */
export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
