// Printing results: aligned text tables for people, or one JSON document for notes.

export type Cell = string | number | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
}

/** Integers as they are, large values to 0.1, small ones to 0.001. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '-';
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(Math.abs(value) >= 100 ? 1 : 3);
}

/** A table cell holds one line; the rest of a long message stays in the JSON output. */
function firstLine(text: string): string {
  const [first, ...rest] = text.split('\n');
  return rest.some((line) => line.trim()) ? `${first} (…)` : first;
}

export function formatTable(table: Table): string {
  const text = table.rows.map((row) => row.map((cell) => (typeof cell === 'number' ? formatNumber(cell) : firstLine(cell ?? '-'))));
  // A short row (a name and a message) does not widen the columns.
  const full = text.filter((row) => row.length === table.columns.length);
  const widths = table.columns.map((column, i) => Math.max(column.length, ...full.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    table.title,
    line(table.columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...text.map(line),
    ...(table.notes ?? []).map((note) => `  ${note}`),
  ].join('\n');
}

/** Prints the facts and tables, or with `json` one document holding them and the raw data. */
export function printReport(json: boolean, tables: readonly Table[], facts: Record<string, unknown>, raw: Record<string, unknown>): void {
  for (const table of tables) {
    if (new Set(table.columns).size !== table.columns.length) throw new Error(`the columns of "${table.title}" need distinct names (they are JSON keys)`);
  }
  if (json) {
    const asObjects = tables.map((table) => ({
      title: table.title,
      rows: table.rows.map((row) =>
        row.length < table.columns.length
          ? { [table.columns[0]]: row[0], note: row.slice(1).join(' ') }
          : Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? null])),
      ),
      notes: table.notes ?? [],
    }));
    process.stdout.write(`${JSON.stringify({ ...facts, tables: asObjects, ...raw }, null, 2)}\n`);
    return;
  }
  for (const [key, value] of Object.entries(facts)) process.stdout.write(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  for (const table of tables) process.stdout.write(`\n${formatTable(table)}\n`);
}
