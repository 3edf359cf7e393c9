import { describeInterpreter, requireFreeThreaded } from '../runtime/provision/interpreters';
import { RuntimeWish, runtimeSources } from '../runtime/provision/cpythonSource';
import { ensureRuntime, ProvisionOptions } from '../runtime/provision/runtime';
import { parseOptions } from './options';
import { UsageError } from './usage';

const SOURCES = ['auto', 'debian', 'python.org'] as const;

/** `ftpy runtime [--json] [--source S] [--version V] [--mirror URL] [--install-build-tools]`. */
export async function runtimeCommand(args: string[]): Promise<number> {
  const usage = 'usage: ftpy runtime [--json] [--source auto|debian|python.org] [--version 3.13|3.13.5] [--mirror URL] [--install-build-tools]';
  const { values, positionals } = parseOptions('runtime', usage, args, {
    json: { type: 'boolean', default: false },
    source: { type: 'string' },
    version: { type: 'string' },
    mirror: { type: 'string' },
    'install-build-tools': { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new UsageError(`ftpy runtime: unexpected argument '${positionals[0]}' (${usage})`);
  const from = values.source;
  if (from !== undefined && !SOURCES.includes(from as (typeof SOURCES)[number])) {
    throw new UsageError(`ftpy runtime: --source must be one of ${SOURCES.join(', ')}, not '${from}' (${usage})`);
  }
  const wish: RuntimeWish = { from: from as RuntimeWish['from'], version: values.version, mirror: values.mirror };
  const runtime = await provisionWithProgress(wish, { installBuildTools: values['install-build-tools'] });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ python: runtime.python, version: runtime.version, prefix: runtime.prefix, log: runtime.log })}\n`);
  } else {
    process.stdout.write(`${runtime.python}\nPython ${runtime.version}, free-threaded (embedded runtime)\n`);
  }
  return 0;
}

/** The embedded runtime, with provisioning progress on stderr when it has to be built. */
export function provisionWithProgress(wish: RuntimeWish = {}, options: ProvisionOptions = {}) {
  const started = Date.now();
  const sources = runtimeSources(wish);
  return ensureRuntime(
    {
      onPhase: (phase, detail) => {
        const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
        process.stderr.write(`ftpy runtime [${seconds}s] ${phase}: ${detail}\n`);
      },
      onOutput: process.env.FTPY_VERBOSE ? (text) => process.stderr.write(text) : undefined,
    },
    sources,
    undefined,
    options,
  );
}

/** The interpreter a command runs a program on: `python` (--python), checked free-threaded, or the embedded runtime. */
export async function programInterpreter(python: string | undefined): Promise<string> {
  return python ? requireFreeThreaded(await describeInterpreter(python)).path : (await provisionWithProgress()).python;
}
