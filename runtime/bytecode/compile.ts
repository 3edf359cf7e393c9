// Compiles Python source with a given interpreter (compile only: the code never runs) and
// returns its code objects as compile_listing.py reports them.
import * as path from 'node:path';
import { packageRoot } from '../packageRoot';
import { runPythonScript } from '../pythonScript';

export interface CompiledInstruction {
  /** Byte offsets of the instruction: [offset, end) includes its inline caches. */
  offset: number;
  end: number;
  opname: string;
  arg: number | null;
  argrepr: string;
  /** dis's label number when the instruction is a jump target. */
  label: number | null;
}

export interface CompiledCode {
  name: string;
  qualname: string;
  /** Index of the code object whose constants hold this one (null for the module). */
  parent: number | null;
  firstLine: number;
  codeSize: number;
  /** co_linetable, hex. */
  lineTable: string;
  instructions: CompiledInstruction[];
}

export interface CompiledModule {
  file: string;
  version: [number, number, number];
  freeThreaded: boolean;
  /** Depth first, the module first; absent when the source does not compile. */
  codes?: CompiledCode[];
  syntaxError?: { message: string; line: number | null; column: number | null };
}

function script(): string {
  return path.join(packageRoot(), 'runtime', 'bytecode', 'compile_listing.py');
}

/** Compiles `source` (the text of `file`) with `python`. */
export async function compileSource(python: string, file: string, source: string): Promise<CompiledModule> {
  const output = await runPythonScript(python, script(), [file], { input: source });
  return { file, ...(JSON.parse(output) as Omit<CompiledModule, 'file'>) };
}
