// The offsets probe's JSON (see probe.c), typed once: `schema` below is both
// the TypeScript type (through `typeof`) and the list of keys the loader checks.
// Offsets are bytes from the start of the struct a section names; bit numbers
// count from the least significant bit.
import { readFileSync } from 'node:fs';

const int = 0 as number;
const text = '' as string;
const flag = false as boolean;

const optionalShapes = new WeakSet<object>();

/** A section newer probes print: offsets cached by an older probe lack it, and are still good for the rest. */
function optional<T extends object>(shape: T): T | undefined {
  optionalShapes.add(shape);
  return shape;
}

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
    async_exc: int,
    c_tracefunc: int,
    c_profilefunc: int,
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
  /** _PyThreadStateImpl: the allocation behind every PyThreadState (same address). */
  thread_state_impl: {
    size: int,
    asyncio_running_loop: int,
    qsbr: int,
    mem_free_queue: int,
    /** Py_ssize_t: allocations not yet added to gc.generations[0].count. */
    gc_alloc_count: int,
    /** struct _mimalloc_thread_state, laid out in mimalloc.thread_state. */
    mimalloc: int,
    freelists: int,
    brc: int,
    brc_bucket_node: int,
    /** _Py_ThreadId() of the bound OS thread: the ob_tid of the objects it owns. */
    brc_tid: int,
    /** _PyObjectStack (a pointer to the newest object_stack_chunk) of objects queued by other threads. */
    brc_objects_to_merge: int,
    brc_local_objects_to_merge: int,
  },
  /** _PyRuntimeState (the _PyRuntime symbol; starts with _Py_DebugOffsets). */
  runtime_state: {
    size: int,
    debug_offsets_size: int,
    finalizing: int,
    interpreters_head: int,
    interpreters_main: int,
    main_thread: int,
    main_tstate: int,
    /** PyMutex HEAD_LOCK takes (guards the interpreter and thread lists). */
    interpreters_mutex: int,
    /** _PyRWMutex taken by every stop-the-world. */
    stoptheworld_mutex: int,
    /** The global stop_the_world state. */
    stoptheworld: int,
  },
  /** PyInterpreterState. */
  interpreter_state: {
    size: int,
    instrumentation_version: int,
    ceval_gil: int,
    next: int,
    id: int,
    threads_head: int,
    threads_main: int,
    threads_count: int,
    /** The gc state, laid out in `gc`. */
    gc: int,
    /** int: 0 while the GIL is disabled. */
    gil_enabled: int,
    /** The per-interpreter stop_the_world state. */
    stoptheworld: int,
    /** struct _qsbr_shared, laid out in qsbr.shared. */
    qsbr: int,
    mimalloc: int,
    /** struct _brc_state, laid out in brc.state. */
    brc: int,
    /** The global import lock (_PyRecursiveMutex, laid out in locks.recursive_mutex). */
    imports_lock: int,
  },
  /** _PyInterpreterFrame fields _Py_DebugOffsets lacks. */
  interpreter_frame: { globals: int },
  /** PyCodeObject fields _Py_DebugOffsets lacks: co_exceptiontable (bytes), co_stacksize (int). */
  code_object: { exceptiontable: int, stacksize: int },
  /** The bound `__exit__` a `with` block keeps on its frame's value stack, and what it is bound to. */
  bound_methods: {
    /** builtin_function_or_method (PyCFunctionObject): m_ml points to its PyMethodDef. */
    cfunction: { size: int, m_ml: int, m_self: int },
    /** PyMethodDef: ml_name is a C string. */
    method_def: { size: int, ml_name: int },
    /** A bound Python method (PyMethodObject). */
    method: { size: int, im_func: int, im_self: int },
    /** PyFunctionObject. */
    function: { size: int, func_code: int },
  },
  /** struct _gc_runtime_state (int fields are C ints, counts Py_ssize_t). */
  gc: {
    size: int,
    enabled: int,
    debug: int,
    collecting: int,
    garbage: int,
    callbacks: int,
    long_lived_total: int,
    long_lived_pending: int,
    immortalize: int,
    permanent_generation: int,
    generations: { offset: int, length: int, stride: int, threshold: int, count: int },
    generation_stats: { offset: int, length: int, stride: int, collections: int, collected: int, uncollectable: int },
  },
  /** struct _stoptheworld_state (bools are 1 byte; stop_event is a PyEvent). */
  stop_the_world: {
    size: int,
    mutex: int,
    requested: int,
    world_stopped: int,
    is_global: int,
    stop_event: int,
    thread_countdown: int,
    requester: int,
  },
  locks: {
    /** PyMutex: one byte, no owner recorded. */
    mutex: { size: int, bits: int },
    /** Bits of PyMutex._bits, PyEvent.v (locked = set) and _PyOnceFlag.v. */
    mutex_bits: { locked: int, has_parked: int, once_initialized: int },
    event: { size: int, v: int },
    raw_mutex: { size: int, v: int },
    rw_mutex: { size: int, bits: int },
    recursive_mutex: { size: int, mutex: int, thread: int, level: int },
    /** threading.Lock: a PyMutex after the object header; records no owner. */
    lock_object: { size: int, lock: int },
    /** threading.RLock (C): owner is the threading ident, count the number of holds. */
    rlock_object: { size: int, rlock_lock: int, rlock_owner: int, rlock_owner_size: int, rlock_count: int, rlock_count_size: int },
    /** PyCriticalSection(2); tstate.critical_section is a pointer to one, tagged with these bits. */
    critical_section: {
      size: int,
      prev: int,
      mutex: int,
      size2: int,
      mutex2: int,
      tag_inactive: int,
      tag_two_mutexes: int,
      tag_mask: int,
    },
  },
  /** Python/parking_lot.c: the static `buckets_symbol` array of num_buckets buckets, hashed by address % num_buckets. */
  parking_lot: {
    buckets_symbol: text,
    num_buckets: int,
    bucket: { size: int, mutex: int, root: int, num_waiters: int },
    /** On the waiter's C stack, linked into bucket.root through `node`. */
    wait_entry: { size: int, park_arg: int, addr: int, sema: int, node: int, is_unparking: int },
    /** The park_arg of a PyMutex waiter. */
    mutex_entry: { size: int, time_to_be_fair: int, handed_off: int },
    llist_node: { size: int, next: int, prev: int },
  },
  /** PyObject header (free-threaded). */
  object: {
    size: int,
    ob_tid: int,
    ob_mutex: int,
    ob_gc_bits: int,
    ob_ref_local: int,
    ob_ref_shared: int,
    ob_type: int,
    gc_bits: {
      tracked: int,
      finalized: int,
      unreachable: int,
      frozen: int,
      shared: int,
      shared_inline: int,
      deferred: int,
    },
    /** ob_ref_local == immortal_local: immortal; shared count = ob_ref_shared >> shared_shift, flags in the low bits. */
    refcount: {
      immortal_local: int,
      unowned_tid: int,
      shared_shift: int,
      shared_flag_mask: int,
      maybe_weakref: int,
      queued: int,
      merged: int,
    },
  },
  /** PyModuleObject; md_gil holds gil_used or gil_not_used (what the module declared; Python modules: gil_used). */
  module_object: { size: int, md_dict: int, md_def: int, md_name: int, md_gil: int, gil_used: int, gil_not_used: int },
  mimalloc: {
    /** struct _mimalloc_thread_state, at thread_state_impl.mimalloc. */
    thread_state: {
      size: int,
      current_object_heap: int,
      heaps: { offset: int, length: int, stride: int },
      tld: int,
      initialized: int,
      page_list: int,
    },
    /** Index of each heap in thread_state.heaps. */
    heap_ids: { mem: int, object: int, gc: int, gc_pre: int },
    /** mi_heap_t; pages[i] is the page queue of size class i. */
    heap: {
      size: int,
      tld: int,
      pages: { offset: int, length: int, stride: int, first: int, last: int, block_size: int },
      thread_delayed_free: int,
      thread_id: int,
      page_count: int,
      next: int,
      tag: int,
      debug_offset: int,
      page_use_qsbr: int,
    },
    /** mi_page_t. */
    page: {
      size: int,
      slice_count: int,
      slice_offset: int,
      flags_byte: int,
      flags_byte_bits: { is_committed: int, is_zero_init: int, use_qsbr: int, tag: int },
      tag_width: int,
      debug_offset: int,
      capacity: int,
      reserved: int,
      free: int,
      used: int,
      xblock_size: int,
      local_free: int,
      xthread_free: int,
      xheap: int,
      next: int,
      prev: int,
    },
    /** mi_segment_t: a block's segment starts at its address rounded down to `alignment`. */
    segment: {
      size: int,
      alignment: int,
      slice_size: int,
      segment_size: int,
      used: int,
      abandoned: int,
      segment_slices: int,
      kind: int,
      slice_entries: int,
      thread_id: int,
      slices: int,
    },
    /** mi_abandoned_pool_t at interpreter_state.mimalloc + offset: two lists of segments of exited threads. */
    abandoned_pool: optional({
      offset: int,
      size: int,
      abandoned_visited: int,
      /** A tagged pointer (the tag in tag_mask's bits). */
      abandoned: int,
      abandoned_count: int,
      abandoned_visited_count: int,
      tag_mask: int,
      /** mi_segment_t's link in both lists. */
      segment_next: int,
    }),
    /** mi_tld_t. */
    tld: {
      size: int,
      heap_backing: int,
      heaps: int,
      segments_count: int,
      segments_peak_count: int,
      segments_current_size: int,
      segments_peak_size: int,
    },
  },
  brc: {
    /** struct _brc_state: table of buckets, each a list of thread states (linked by brc_bucket_node). */
    state: { size: int, table: { offset: int, length: int, stride: int, mutex: int, root: int } },
    /** _PyObjectStackChunk: n objects in objs, prev = older chunk. */
    object_stack_chunk: { size: int, prev: int, n: int, objs: { offset: int, length: int, stride: int } },
  },
  qsbr: {
    shared: { size: int, wr_seq: int, rd_seq: int, array: int, array_length: int, array_stride: int },
    thread_state: { size: int, seq: int, tstate: int, deferrals: int, allocated: int },
  },
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
    if (value === undefined && optionalShapes.has(shape)) return undefined;
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
