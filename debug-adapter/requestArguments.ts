// The shape every request's arguments must have before anything acts on them: an object, and
// whole numbers where DAP has ids, indexes and counts. A request that fails gets an error
// response saying which argument is wrong, instead of reaching the agent (where a bad thread
// id could, for instance, read as "every thread").
import { UserFacingError } from '../runtime/errors';

const WHOLE_NUMBERS = ['threadId', 'frameId', 'variablesReference', 'sourceReference', 'startFrame', 'levels', 'start', 'count', 'column'] as const;
const STRINGS = ['expression', 'value', 'name', 'text'] as const;
const LISTS = ['filters', 'breakpoints', 'lines'] as const;

/** Throws a UserFacingError when `args` cannot be the arguments of `command`. */
export function checkArguments(command: string, args: unknown): void {
  if (args === undefined) return;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new UserFacingError(`Malformed "${command}" request: its arguments must be an object, not ${JSON.stringify(args)?.slice(0, 80)}.`);
  }
  const fields = args as Record<string, unknown>;
  for (const name of WHOLE_NUMBERS) {
    const value = fields[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0)) {
      throw new UserFacingError(`Malformed "${command}" request: "${name}" must be a whole number, not ${JSON.stringify(value)?.slice(0, 80)}.`);
    }
  }
  for (const name of STRINGS) {
    const value = fields[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new UserFacingError(`Malformed "${command}" request: "${name}" must be a string, not ${JSON.stringify(value)?.slice(0, 80)}.`);
    }
  }
  for (const name of LISTS) {
    const value = fields[name];
    if (value !== undefined && !Array.isArray(value)) {
      throw new UserFacingError(`Malformed "${command}" request: "${name}" must be a list, not ${JSON.stringify(value)?.slice(0, 80)}.`);
    }
  }
}

/** Whether the client shows the runtime samples, from the arguments of 'ftpy/runtimeSampling' ({ on: boolean }). */
export function samplesShown(args: unknown): boolean {
  const on = (args as { on?: unknown } | undefined)?.on;
  if (typeof on !== 'boolean')
    throw new UserFacingError(`Malformed "ftpy/runtimeSampling" request: it takes { "on": true | false }, not ${JSON.stringify(args)?.slice(0, 80)}.`);
  return on;
}

/** The most samples a second a Scaling recording takes (as `ftpy profile --rate`). */
export const MAX_SCALING_HZ = 10_000;
const DEFAULT_SCALING_HZ = 1000;

/** What 'ftpy/scaling' asks: { record: boolean, rateHz?: number from 1 to MAX_SCALING_HZ }. */
export function scalingWish(args: unknown): { record: boolean; rateHz: number } {
  const { record, rateHz = DEFAULT_SCALING_HZ } = (args ?? {}) as { record?: unknown; rateHz?: unknown };
  if (typeof record !== 'boolean' || typeof rateHz !== 'number' || !(rateHz >= 1 && rateHz <= MAX_SCALING_HZ))
    throw new UserFacingError(
      `Malformed "ftpy/scaling" request: it takes { "record": true | false, "rateHz": 1 to ${MAX_SCALING_HZ} (optional) }, not ${JSON.stringify(args)?.slice(0, 80)}.`,
    );
  return { record, rateHz };
}
