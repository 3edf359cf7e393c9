// The offsets probe's JSON (see probe.c), typed once: `schema` below is both
// the TypeScript type (through `typeof`) and the list of keys the loader checks.
// Offsets are bytes from the start of the struct a section names; bit numbers
// count from the least significant bit.
import { readFileSync } from 'node:fs';

const int = 0 as number;
const text = '' as string;
const flag = false as boolean;

const schema = {
  python: { version: text, hexversion: int, free_threaded: flag, pointer_size: int },
  /** PyThreadState (struct _ts). */
  thread_state: {
    size: int,
    prev: int,
    next: int,
    interp: int,
    eval_breaker: int,
    /** The `_status` bitfield word (status_size bytes); bits in status_bits. */
    status: int,
    status_size: int,
    whence: int,
    /** int holding one of `thread_states`. */
    state: int,
    current_frame: int,
    thread_id: int,
    native_thread_id: int,
    /** uintptr_t tagged pointer to the top-most critical section. */
    critical_section: int,
    id: int,
    datastack_chunk: int,
    status_bits: {
      initialized: int,
      bound: int,
      unbound: int,
      bound_gilstate: int,
      active: int,
      holds_gil: int,
      finalizing: int,
      cleared: int,
      finalized: int,
    },
  },
  /** Values of PyThreadState.state. */
  thread_states: { detached: int, attached: int, suspended: int },
  /** Bit numbers of the event flags in PyThreadState.eval_breaker. */
  eval_breaker_bits: {
    gil_drop_request: int,
    signals_pending: int,
    calls_to_do: int,
    async_exception: int,
    gc_scheduled: int,
    please_stop: int,
    explicit_merge: int,
  },
  /** eval_breaker & events_mask = event flags; eval_breaker >> version_shift = instrumentation version. */
  eval_breaker: { events_mask: int, version_shift: int },
};

export type ProbeOffsets = typeof schema;

/** Parses and checks the probe's JSON; throws an Error naming the first bad key. */
export function parseProbeOffsets(json: string): ProbeOffsets {
  const value: unknown = JSON.parse(json);
  const problem = mismatch(value, schema, 'offsets');
  if (problem) throw new Error(problem);
  return value as ProbeOffsets;
}

/** The offsets cached in `file`, or undefined when it is absent or not valid probe output. */
export function loadProbeOffsets(file: string): ProbeOffsets | undefined {
  try {
    return parseProbeOffsets(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// Where `value` departs from `shape` (extra keys are allowed), or undefined.
function mismatch(value: unknown, shape: unknown, where: string): string | undefined {
  if (typeof shape === 'object' && shape !== null) {
    if (typeof value !== 'object' || value === null) return `${where} is not an object`;
    for (const [name, inner] of Object.entries(shape)) {
      const problem = mismatch((value as Record<string, unknown>)[name], inner, `${where}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value !== typeof shape) return `${where} is ${value === undefined ? 'missing' : `not a ${typeof shape}`}`;
  if (typeof value === 'number' && !(Number.isSafeInteger(value) && value >= 0)) {
    return `${where} is not a non-negative integer`;
  }
  return undefined;
}
