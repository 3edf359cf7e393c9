// Runs lineTableOracle.py under an interpreter and parses its stream of code objects.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** What the oracle's interpreter says about one code object. */
export interface OracleCode {
  name: string;
  firstLine: number;
  codeSize: number;
  table: Uint8Array;
  /** co_positions() runs: count, line, endLine, column, endColumn (NONE for None). */
  positionRuns: Int32Array;
  /** co_lines() triples or dis.findlinestarts() pairs (NONE for None). */
  lines: Int32Array;
}

export interface OracleHeader {
  version: [number, number];
  lines: 'co_lines' | 'findlinestarts';
  positions: boolean;
}

export interface OracleSummary {
  filesCompiled: number;
  filesSkipped: number;
}

export const NONE = -(2 ** 31);
const SCRIPT = path.join(__dirname, 'lineTableOracle.py');
const CODE_RECORD = 1;
const END_RECORD = 2;

/** Which stdlib files to compile: every `step`-th one from the `start`-th on, in sorted order. */
export interface OracleFiles {
  step: number;
  start: number;
}

/** Streams the oracle's records to `onCode`; kills the interpreter if `onCode` throws or `signal` aborts. */
export async function runOracle(
  python: string,
  pythonFlags: string[],
  files: OracleFiles,
  signal: AbortSignal,
  onHeader: (header: OracleHeader) => void,
  onCode: (code: OracleCode) => void,
): Promise<OracleSummary> {
  const args = ['-E', ...pythonFlags, SCRIPT, String(files.step), String(files.start)];
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
  // Settles once, with the exit status or the spawn/abort error, so that nothing is left unhandled.
  const exited = new Promise<number | null | Error>((resolve) => {
    child.on('error', resolve);
    child.on('close', resolve);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const parser = new RecordParser(onHeader, onCode);
  try {
    for await (const chunk of child.stdout) parser.push(chunk as Buffer);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
  const status = await exited;
  if (status instanceof Error) throw status;
  if (status !== 0) throw new Error(`${python} ${SCRIPT} exited with ${status}: ${stderr}`);
  if (!parser.summary) throw new Error(`${python} ${SCRIPT}: stream ended without its end record`);
  return parser.summary;
}

class RecordParser {
  private pending: Buffer = Buffer.alloc(0);
  private headerSeen = false;
  summary: OracleSummary | undefined;

  constructor(
    private readonly onHeader: (header: OracleHeader) => void,
    private readonly onCode: (code: OracleCode) => void,
  ) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = this.headerSeen ? 0 : this.readHeader();
    for (let used = this.readRecord(offset); used > 0; used = this.readRecord(offset)) offset += used;
    this.pending = this.pending.subarray(offset);
  }

  private readHeader(): number {
    const newline = this.pending.indexOf(10);
    if (newline < 0) return 0;
    this.onHeader(JSON.parse(this.pending.subarray(0, newline).toString('ascii')) as OracleHeader);
    this.headerSeen = true;
    return newline + 1;
  }

  /** Parses one record at `offset`; returns its size, or 0 if it is not complete yet. */
  private readRecord(offset: number): number {
    const data = this.pending;
    if (!this.headerSeen || data.length - offset < 4) return 0;
    const int = (index: number) => data.readInt32LE(offset + 4 * index);
    if (int(0) === END_RECORD) {
      if (data.length - offset < 12) return 0;
      this.summary = { filesCompiled: int(1), filesSkipped: int(2) };
      return 12;
    }
    if (int(0) !== CODE_RECORD) throw new Error(`oracle stream: unknown record ${int(0)} at ${offset}`);
    if (data.length - offset < 28) return 0;
    const [firstLine, codeSize, nameLength, tableLength, positionInts, lineInts] = [1, 2, 3, 4, 5, 6].map(int);
    const size = 28 + nameLength + tableLength + 4 * (positionInts + lineInts);
    if (data.length - offset < size) return 0;
    let at = offset + 28;
    const take = (length: number) => data.subarray(at, (at += length));
    const name = take(nameLength).toString('utf8');
    const table = new Uint8Array(take(tableLength));
    const positionRuns = int32s(take(4 * positionInts));
    const lines = int32s(take(4 * lineInts));
    this.onCode({ name, firstLine, codeSize, table, positionRuns, lines });
    return size;
  }
}

function int32s(bytes: Buffer): Int32Array {
  const values = new Int32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readInt32LE(4 * i);
  return values;
}
