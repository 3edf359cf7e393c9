// The fields of a refcount anatomy as the panel lists them, each with what it means in the
// free-threaded runtime (biased reference counting, PEP 703). Pure, shared with the webview.
import type { RefcountAnatomy } from '../../debug-adapter/protocol';

export interface RefcountField {
  label: string;
  value: string;
  /** The tooltip: what this field means. */
  explanation: string;
}

export function refcountFields(anatomy: RefcountAnatomy): RefcountField[] {
  const flags = anatomy.sharedFlags;
  const flagNames = [flags.maybeWeakref && 'maybe-weakref', flags.queued && 'queued', flags.merged && 'merged'].filter(Boolean).join(', ');
  const owner = anatomy.ownerThreadId === 0 ? 'none' : `${anatomy.ownerName ?? 'thread'} (${anatomy.ownerThreadId})`;
  return [
    { label: 'Object', value: `${anatomy.type} at ${anatomy.address}`, explanation: 'The type of the object and its address in the debuggee.' },
    {
      label: 'Owner thread',
      value: owner,
      explanation:
        'ob_tid: the thread that created the object owns its local reference count and changes it without atomic operations. ' +
        '"none" means the counts were merged: every thread now uses the shared count.',
    },
    {
      label: 'Refcount',
      value: anatomy.refcount === null ? 'immortal' : String(anatomy.refcount),
      explanation: "Py_REFCNT: the local and shared counts added up, what sys.getrefcount reports (without its own argument's reference).",
    },
    {
      label: 'Local count',
      value: String(anatomy.localCount),
      explanation: 'ob_ref_local: references counted by the owner thread alone, cheaply (no atomics).',
    },
    {
      label: 'Shared count',
      value: String(anatomy.sharedCount),
      explanation:
        'ob_ref_shared >> 2: references counted by other threads, with atomic operations. It can be negative: another thread ' +
        'released references the owner took; the object is then queued for the owner to merge.',
    },
    {
      label: 'Shared flags',
      value: flagNames || 'none',
      explanation:
        'The low two bits of ob_ref_shared. maybe-weakref: the object may have weak references, so it is merged before it dies. ' +
        "queued: another thread drove the shared count negative and queued the object on the owner's BRC queue (explicit merge). " +
        'merged: local and shared counts were merged into the shared count; the object has no owner any more.',
    },
    {
      label: 'Immortal',
      value: anatomy.immortal ? 'yes' : 'no',
      explanation:
        'An immortal object (None, small ints, interned strings…) has a saturated local count: increments and decrements are skipped and it is never freed.',
    },
    {
      label: 'Deferred',
      value: anatomy.deferred ? 'yes' : 'no',
      explanation:
        'Deferred reference counting (_PyGC_BITS_DEFERRED): objects every thread uses (functions, modules, code, types…) carry an extra ' +
        'reference so that their count never reaches zero by itself; only the garbage collector frees them. It keeps threads from ' +
        'dropping them early and lets the runtime skip some count updates on them.',
    },
    {
      label: 'GC bits',
      value: anatomy.gcBits.join(', ') || 'none',
      explanation:
        "ob_gc_bits: the garbage collector's per-object flags (tracked, finalized, unreachable, frozen, shared…) kept in the object header instead of a separate GC header.",
    },
  ];
}
