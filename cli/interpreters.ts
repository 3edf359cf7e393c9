import { processPlaces } from '../runtime/provision/discovery';
import { listInterpreters } from '../runtime/provision/interpreters';
import { readyRuntime } from '../runtime/provision/runtime';
import { parseOptions } from './options';

const USAGE = 'usage: ftpy interpreters [--json] [--workspace DIR]...';

/** `ftpy interpreters`: every free-threaded interpreter found, where it came from, and why ftpy refuses those it does. */
export async function interpretersCommand(args: string[]): Promise<number> {
  const { values } = parseOptions('interpreters', USAGE, args, {
    json: { type: 'boolean', default: false },
    workspace: { type: 'string', multiple: true, default: [] },
  });
  const found = await listInterpreters(processPlaces(values.workspace, readyRuntime()?.python));
  if (values.json) {
    const listed = found.map(({ path, source, info, refused }) => ({
      path,
      source,
      version: info?.version ?? null,
      freeThreaded: info?.freeThreaded ?? null,
      executable: info?.executable ?? null,
      ...(refused ? { refused } : {}),
    }));
    process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    return 0;
  }
  if (found.length === 0) process.stdout.write('No free-threaded interpreter found: `ftpy runtime` provisions the embedded one.\n');
  for (const { path, source, info, refused } of found) {
    const what = refused ? `not usable: ${refused}` : `Python ${info?.version}, free-threaded`;
    process.stdout.write(`${source.padEnd(9)} ${path}\n          ${what}\n`);
  }
  return 0;
}
