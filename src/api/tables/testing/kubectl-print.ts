/**
 * @module Test-only: render a server-side Table the way `kubectl get` prints it (cli-runtime's
 * table printer over a tabwriter with minwidth 6, padding 3), so golden tests read like
 * terminal output. Upper-case headers; priority > 0 columns only when `wide`; the last
 * column is not padded; numbers and booleans as Go's `fmt.Fprint` writes them.
 */
import { findKind } from '../../resources.js';
import type { KubeObject } from '../../types.js';
import { toTable } from '../table.js';
import type { Table } from '../types.js';

const MIN_WIDTH = 6;
const PADDING = 3;

export function printTable(table: Table, opts: { wide?: boolean; withNamespace?: boolean } = {}): string {
  const columns = table.columnDefinitions ?? [];
  const shown = columns.map((c, i) => ({ c, i })).filter(({ c }) => opts.wide || c.priority === 0);
  const lines: string[][] = [];
  const header = shown.map(({ c }) => c.name.toUpperCase());
  lines.push(opts.withNamespace ? ['NAMESPACE', ...header] : header);
  for (const row of table.rows ?? []) {
    const cells = shown.map(({ i }) => String(row.cells[i] ?? ''));
    if (opts.withNamespace) {
      const meta = (row.object as { metadata?: { namespace?: string } } | null)?.metadata;
      cells.unshift(meta?.namespace ?? '');
    }
    lines.push(cells);
  }
  return tabwrite(lines);
}

/** Go's text/tabwriter: every cell but a line's last is padded to its column's width. */
function tabwrite(lines: string[][]): string {
  const widths: number[] = [];
  for (const line of lines) {
    line.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? MIN_WIDTH, [...cell].length + PADDING);
    });
  }
  return lines
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell + ' '.repeat(widths[i] - [...cell].length))).join(''))
    .join('\n');
}

/**
 * `kubectl get` in one call: the Table the server would send for `objects` of
 * `apiVersion`/`kind` at `now`, printed as kubectl prints it. Unknown kinds get the default table.
 */
export function kubectlGet(
  apiVersion: string,
  kind: string,
  objects: KubeObject[],
  opts: { now: Date; wide?: boolean; withNamespace?: boolean },
): string {
  const slash = apiVersion.indexOf('/');
  const resource = findKind(apiVersion, kind) ?? { group: slash < 0 ? '' : apiVersion.slice(0, slash), kind };
  return printTable(toTable(resource, objects, { now: opts.now }), opts);
}

/** Lines joined with newlines: golden output written one terminal line per argument. */
export function lines(...text: string[]): string {
  return text.join('\n');
}
