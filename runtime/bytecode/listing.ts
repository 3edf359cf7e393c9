// A bytecode listing: each code object's instructions grouped by source line, each group
// showing the co_linetable entries behind its instructions. Pure functions over what
// compile.ts returns; the line table is decoded by runtime/inspect/linetable.
import { locationEntries } from '../inspect/linetable/locations';
import { CompiledCode, CompiledInstruction, CompiledModule } from './compile';

/** One co_linetable entry and the instructions that start in its code units. */
export interface ListedEntry {
  index: number;
  kind: number;
  /** Code units (2 bytes each) [startUnit, endUnit). */
  startUnit: number;
  endUnit: number;
  line: number | null;
  /** The line change the entry encodes (null for "no location"); negative is a jump back. */
  lineDelta: number | null;
  column: number | null;
  endColumn: number | null;
  instructions: CompiledInstruction[];
}

/** Consecutive entries of one source line. */
export interface LineGroup {
  line: number | null;
  /** The group's line is above the previous group's (a loop's jump back, a finally…). */
  jumpsBack: boolean;
  entries: ListedEntry[];
}

export interface CodeListing {
  code: CompiledCode;
  /** Nesting depth: 0 for the module. */
  depth: number;
  groups: LineGroup[];
}

function kindName(kind: number): string {
  if (kind <= 9) return 'short';
  if (kind <= 12) return 'one-line';
  if (kind === 13) return 'no-columns';
  if (kind === 14) return 'long';
  return 'no-location';
}

function listCode(code: CompiledCode, depth: number): CodeListing {
  const table = Uint8Array.from(Buffer.from(code.lineTable, 'hex'));
  const groups: LineGroup[] = [];
  let tableLine = code.firstLine;
  let lastLine: number | null = null;
  let next = 0;
  let index = 0;
  for (const { kind, start, end, position } of locationEntries(table, code.firstLine)) {
    const instructions: CompiledInstruction[] = [];
    while (next < code.instructions.length && code.instructions[next].offset < end * 2) instructions.push(code.instructions[next++]);
    const lineDelta = position.line === null ? null : position.line - tableLine;
    if (position.line !== null) tableLine = position.line;
    const entry: ListedEntry = { index: index++, kind, startUnit: start, endUnit: end, ...position, lineDelta, instructions };
    const group = groups[groups.length - 1];
    if (group && group.line === position.line) {
      group.entries.push(entry);
      continue;
    }
    const jumpsBack = position.line !== null && lastLine !== null && position.line < lastLine;
    if (position.line !== null) lastLine = position.line;
    groups.push({ line: position.line, jumpsBack, entries: [entry] });
  }
  return { code, depth, groups };
}

/** Every code object of the module, or only the function around `line` and the code nested in it. */
export function listModule(module: CompiledModule, line?: number): CodeListing[] {
  const codes = module.codes ?? [];
  const depths: number[] = codes.map(() => 0);
  codes.forEach((code, index) => (depths[index] = code.parent === null ? 0 : depths[code.parent] + 1));
  const listings = codes.map((code, index) => listCode(code, depths[index]));
  if (line === undefined) return listings;
  const around = innermostAround(listings, line);
  return listings.filter((_, index) => isWithin(codes, index, around));
}

/** Source lines a code object's instructions sit on. */
function linesOf(listing: CodeListing): number[] {
  return listing.groups.flatMap((group) => (group.line !== null && group.entries.some((entry) => entry.instructions.length) ? [group.line] : []));
}

/** The innermost function or class body around `line`: lambdas, generator expressions and
 * comprehensions (names in <>) count as part of the function they are written in. */
function innermostAround(listings: CodeListing[], line: number): number {
  let best = 0;
  listings.forEach((listing, index) => {
    const lines = [listing.code.firstLine, ...linesOf(listing)];
    const named = !listing.code.name.startsWith('<');
    if (named && Math.min(...lines) <= line && line <= Math.max(...lines) && listing.depth >= listings[best].depth) best = index;
  });
  return best;
}

function isWithin(codes: CompiledCode[], index: number, ancestor: number): boolean {
  for (let at: number | null = index; at !== null; at = codes[at].parent) if (at === ancestor) return true;
  return false;
}

/** The listing as text (language `ftpy-bytecode`); `source` adds each line's text to its group. */
export function formatListing(module: CompiledModule, listings: CodeListing[], source?: string): string {
  const sourceLines = source?.split(/\r?\n/);
  const build = module.freeThreaded ? 'free-threaded' : 'with the GIL';
  const out = [
    `# Bytecode of ${module.file}`,
    `# compiled (not run) by CPython ${module.version.join('.')} ${build}`,
    '# each `entry` is the co_linetable entry behind the instructions under it; ↩ marks a line jump back',
  ];
  if (module.syntaxError) {
    const { message, line, column } = module.syntaxError;
    out.push('', `SyntaxError: ${message} (line ${line ?? '?'}, column ${column ?? '?'})`);
  }
  for (const listing of listings) out.push('', ...formatCode(listing, sourceLines));
  return out.join('\n') + '\n';
}

/** The instructions of one line in every code object that has some there (for a hover). */
export function formatLine(listings: CodeListing[], line: number): string | undefined {
  const out: string[] = [];
  for (const listing of listings) {
    const groups = listing.groups.filter((group) => group.line === line && group.entries.some((entry) => entry.instructions.length));
    if (groups.length) out.push(codeHeader(listing.code), ...groups.flatMap((group) => formatGroup(group)));
  }
  return out.length ? out.join('\n') : undefined;
}

function formatCode(listing: CodeListing, sourceLines?: string[]): string[] {
  return [codeHeader(listing.code), ...listing.groups.flatMap((group) => formatGroup(group, sourceLines))];
}

function codeHeader(code: CompiledCode): string {
  return `code ${code.qualname}  (line ${code.firstLine}, ${code.codeSize} bytes)`;
}

function formatGroup(group: LineGroup, sourceLines?: string[]): string[] {
  const text = group.line !== null ? sourceLines?.[group.line - 1]?.trim() : undefined;
  const header = group.line === null ? 'line -' : `line ${group.line}${group.jumpsBack ? ' ↩' : ''}`;
  const out = [text ? `${header.padEnd(10)}${text}` : header];
  for (const entry of group.entries) {
    out.push(formatEntry(entry));
    for (const instruction of entry.instructions) {
      if (instruction.label !== null) out.push(`    L${instruction.label}:`);
      out.push(formatInstruction(instruction));
    }
  }
  return out;
}

function formatEntry(entry: ListedEntry): string {
  const delta = entry.lineDelta === null ? 'line -' : `line ${entry.lineDelta < 0 ? '' : '+'}${entry.lineDelta}${entry.lineDelta < 0 ? ' ↩' : ''}`;
  const columns = entry.column === null ? '' : `  cols ${entry.column}-${entry.endColumn ?? '?'}`;
  const caches = entry.instructions.length ? '' : '  (inline caches)';
  return `  entry ${entry.index} ${kindName(entry.kind)}  units ${entry.startUnit}-${entry.endUnit}  ${delta}${columns}${caches}`;
}

function formatInstruction(instruction: CompiledInstruction): string {
  const arg = instruction.arg === null ? '' : String(instruction.arg);
  const detail = instruction.argrepr ? ` (${instruction.argrepr})` : '';
  return `    ${String(instruction.offset).padStart(5)}  ${instruction.opname.padEnd(24)} ${arg.padStart(4)}${detail}`.trimEnd();
}
