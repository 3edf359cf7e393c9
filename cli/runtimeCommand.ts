import { describeInterpreter, requireFreeThreaded } from '../runtime/provision/interpreters';
import { ensureRuntime } from '../runtime/provision/runtime';
import { parseOptions } from './options';
import { UsageError } from './usage';

/** `ftpy runtime [--json]`. */
export async function runtimeCommand(args: string[]): Promise<number> {
  const usage = 'usage: ftpy runtime [--json]';
  const { values, positionals } = parseOptions('runtime', usage, args, { json: { type: 'boolean', default: false } });
  if (positionals.length > 0) throw new UsageError(`ftpy runtime: unexpected argument '${positionals[0]}' (${usage})`);
  const runtime = await provisionWithProgress();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ python: runtime.python, version: runtime.version, prefix: runtime.prefix, log: runtime.log })}\n`);
  } else {
    process.stdout.write(`${runtime.python}\nPython ${runtime.version}, free-threaded (embedded runtime)\n`);
  }
  return 0;
}

/** The embedded runtime, with provisioning progress on stderr when it has to be built. */
export function provisionWithProgress() {
  const started = Date.now();
  return ensureRuntime({
    onPhase: (phase, detail) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
      process.stderr.write(`ftpy runtime [${seconds}s] ${phase}: ${detail}\n`);
    },
    onOutput: process.env.FTPY_VERBOSE ? (text) => process.stderr.write(text) : undefined,
  });
}

/** The interpreter a command runs a program on: `python` (--python), checked free-threaded, or the embedded runtime. */
export async function programInterpreter(python: string | undefined): Promise<string> {
  return python ? requireFreeThreaded(await describeInterpreter(python)).path : (await provisionWithProgress()).python;
}
