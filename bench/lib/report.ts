// Printing results: aligned text tables for people, or one JSON document for notes.

export type Cell = string | number | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  notes?: string[];
}

export function formatNumber(value: number | undefined, digits = 3): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

export function formatTable(table: Table): string {
  const text = table.rows.map((row) => row.map((cell) => (typeof cell === 'number' ? (Number.isInteger(cell) ? String(cell) : formatNumber(cell)) : (cell ?? '-'))));
  // A short row (a name and a message) does not widen the columns.
  const full = text.filter((row) => row.length === table.columns.length);
  const widths = table.columns.map((column, i) => Math.max(column.length, ...full.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [
    table.title,
    line(table.columns),
    line(widths.map((width) => '-'.repeat(width))),
    ...text.map(line),
    ...(table.notes ?? []).map((note) => `  ${note}`),
  ].join('\n');
}

/** Prints the tables, or with `json` one document holding them and the raw facts. */
export function printReport(json: boolean, tables: readonly Table[], facts: Record<string, unknown>): void {
  for (const table of tables) {
    if (new Set(table.columns).size !== table.columns.length) throw new Error(`the columns of "${table.title}" need distinct names (they are JSON keys)`);
  }
  if (json) {
    const asObjects = tables.map((table) => ({
      title: table.title,
      rows: table.rows.map((row) =>
        row.length < table.columns.length ? { [table.columns[0]]: row[0], note: row.slice(1).join(' ') } : Object.fromEntries(table.columns.map((column, i) => [column, row[i] ?? null])),
      ),
      notes: table.notes ?? [],
    }));
    process.stdout.write(`${JSON.stringify({ ...facts, tables: asObjects }, null, 2)}\n`);
    return;
  }
  for (const [key, value] of Object.entries(facts)) process.stdout.write(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
  for (const table of tables) process.stdout.write(`\n${formatTable(table)}\n`);
}
