/* The offsets probe: compiled against the TARGET interpreter's own headers
 * (include/python3.Nt and include/python3.Nt/internal, with Py_BUILD_CORE),
 * it prints as JSON the struct offsets, sizes and constants that
 * _Py_DebugOffsets does not give. It only uses offsetof/sizeof and macros,
 * so it needs no libpython at link time.
 *
 * Conventions of the output (runtime/probe/offsets.ts types it):
 * - offsets are bytes from the start of the struct the section names, nested
 *   members included (thread_state_impl.brc_tid is
 *   offsetof(_PyThreadStateImpl, brc.tid));
 * - an array member is an object {offset, length, stride, <element fields>},
 *   its element fields relative to the start of one element;
 * - "*_bits" sections give bit numbers (0 = least significant bit).
 */
#ifndef Py_BUILD_CORE
#  define Py_BUILD_CORE 1
#endif
#include "Python.h"
#include "pycore_brc.h"
#include "pycore_ceval.h"
#include "pycore_critical_section.h"
#include "pycore_frame.h"
#include "pycore_gc.h"
#include "pycore_interp.h"
#include "pycore_llist.h"
#include "pycore_lock.h"
#include "pycore_mimalloc.h"
#include "pycore_moduleobject.h"
#include "pycore_object_stack.h"
#include "pycore_pystate.h"
#include "pycore_qsbr.h"
#include "pycore_runtime.h"
#include "pycore_semaphore.h"
#include "pycore_tstate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifndef Py_GIL_DISABLED
#  error "the offsets probe targets free-threaded builds (Py_GIL_DISABLED) only"
#endif

/* --- mirrors of structs private to one .c file, per version --------------
 * Each is copied field for field from the named file of that version; the
 * unit tests prove them against a live process and against DWARF. */
#if PY_VERSION_HEX >= 0x030D0000 && PY_VERSION_HEX < 0x030E0000

/* Python/parking_lot.c */
#define PARKING_LOT_NUM_BUCKETS 257
typedef struct {
    _PyRawMutex mutex;
    struct llist_node root;
    size_t num_waiters;
} Bucket;

struct wait_entry {
    void *park_arg;
    uintptr_t addr;
    _PySemaphore sema;
    struct llist_node node;
    bool is_unparking;
};

/* Python/lock.c: the park_arg of a thread waiting on a PyMutex */
struct mutex_entry {
    PyTime_t time_to_be_fair;
    int handed_off;
};

/* Modules/_threadmodule.c */
typedef struct {
    PyObject_HEAD
    PyMutex lock;
} lockobject;

typedef struct {
    PyObject_HEAD
    PyThread_type_lock rlock_lock;
    PyThread_ident_t rlock_owner;
    unsigned long rlock_count;
    PyObject *in_weakreflist;
} rlockobject;

#else
#  error "probe.c has no mirror of the private structs (parking lot, _thread locks) of this Python version: add one"
#endif

/* --- a minimal JSON writer: nested objects of integers, strings, booleans --- */

static int has_item[16];
static int depth;

static void key(const char *name)
{
    if (has_item[depth]) {
        putchar(',');
    }
    has_item[depth] = 1;
    printf("\"%s\":", name);
}

static void begin(const char *name)
{
    key(name);
    putchar('{');
    has_item[++depth] = 0;
}

static void end(void)
{
    putchar('}');
    depth--;
}

static void num(const char *name, long long value)
{
    key(name);
    printf("%lld", value);
}

static void str(const char *name, const char *value)
{
    key(name);
    printf("\"%s\"", value);
}

static void boolean(const char *name, int value)
{
    key(name);
    fputs(value ? "true" : "false", stdout);
}

/* Bit number of a single-bit mask such as _PY_GC_SCHEDULED_BIT. */
static int bit_number(unsigned long long mask)
{
    return __builtin_ctzll(mask);
}

#define OFFSET(name, type, member) num(name, (long long)offsetof(type, member))
#define SIZE(type) num("size", (long long)sizeof(type))
#define MEMBER_SIZE(type, member) ((long long)sizeof(((type *)0)->member))

/* Opens an array-member object; the caller adds element fields and end()s. */
#define ARRAY(name, type, member) do {                                        \
        begin(name);                                                          \
        OFFSET("offset", type, member);                                       \
        num("length", MEMBER_SIZE(type, member) / MEMBER_SIZE(type, member[0])); \
        num("stride", MEMBER_SIZE(type, member[0]));                          \
    } while (0)

/* Bitfields have no offsetof: set one bit-field member in a zeroed struct and
 * look which bit of the byte/word at `word_offset` changed. */
#define BITFIELD_BIT(name, type, word_offset, member) do {                    \
        type probe_;                                                          \
        unsigned int word_ = 0;                                               \
        memset(&probe_, 0, sizeof probe_);                                    \
        probe_.member = 1;                                                    \
        memcpy(&word_, (char *)&probe_ + (word_offset),                       \
               sizeof probe_ - (word_offset) < sizeof word_ ?                 \
               sizeof probe_ - (word_offset) : sizeof word_);                 \
        num(name, bit_number(word_));                                         \
    } while (0)

/* --- sections --- */

static void print_python(void)
{
    begin("python");
    str("version", PY_VERSION);
    num("hexversion", PY_VERSION_HEX);
    boolean("free_threaded", 1);
    num("pointer_size", (long long)sizeof(void *));
    end();
}

#define STATUS_BIT(member) BITFIELD_BIT(#member, PyThreadState,               \
        offsetof(PyThreadState, _status), _status.member)

static void print_thread_state(void)
{
    begin("thread_state");
    SIZE(PyThreadState);
    OFFSET("prev", PyThreadState, prev);
    OFFSET("next", PyThreadState, next);
    OFFSET("interp", PyThreadState, interp);
    OFFSET("eval_breaker", PyThreadState, eval_breaker);
    OFFSET("status", PyThreadState, _status);
    num("status_size", MEMBER_SIZE(PyThreadState, _status));
    OFFSET("whence", PyThreadState, _whence);
    OFFSET("state", PyThreadState, state);
    OFFSET("current_frame", PyThreadState, current_frame);
    OFFSET("thread_id", PyThreadState, thread_id);
    OFFSET("native_thread_id", PyThreadState, native_thread_id);
    OFFSET("critical_section", PyThreadState, critical_section);
    OFFSET("id", PyThreadState, id);
    OFFSET("datastack_chunk", PyThreadState, datastack_chunk);
    OFFSET("async_exc", PyThreadState, async_exc);
    OFFSET("c_tracefunc", PyThreadState, c_tracefunc);
    OFFSET("c_profilefunc", PyThreadState, c_profilefunc);
    begin("status_bits");
    STATUS_BIT(initialized);
    STATUS_BIT(bound);
    STATUS_BIT(unbound);
    STATUS_BIT(bound_gilstate);
    STATUS_BIT(active);
    STATUS_BIT(holds_gil);
    STATUS_BIT(finalizing);
    STATUS_BIT(cleared);
    STATUS_BIT(finalized);
    end();
    end();
}

static void print_thread_states(void)
{
    begin("thread_states");
    num("detached", _Py_THREAD_DETACHED);
    num("attached", _Py_THREAD_ATTACHED);
    num("suspended", _Py_THREAD_SUSPENDED);
    end();
}

static void print_thread_state_impl(void)
{
    begin("thread_state_impl");
    SIZE(_PyThreadStateImpl);
    OFFSET("asyncio_running_loop", _PyThreadStateImpl, asyncio_running_loop);
    OFFSET("qsbr", _PyThreadStateImpl, qsbr);
    OFFSET("mem_free_queue", _PyThreadStateImpl, mem_free_queue);
    OFFSET("gc_alloc_count", _PyThreadStateImpl, gc.alloc_count);
    OFFSET("mimalloc", _PyThreadStateImpl, mimalloc);
    OFFSET("freelists", _PyThreadStateImpl, freelists);
    OFFSET("brc", _PyThreadStateImpl, brc);
    OFFSET("brc_bucket_node", _PyThreadStateImpl, brc.bucket_node);
    OFFSET("brc_tid", _PyThreadStateImpl, brc.tid);
    OFFSET("brc_objects_to_merge", _PyThreadStateImpl, brc.objects_to_merge);
    OFFSET("brc_local_objects_to_merge", _PyThreadStateImpl, brc.local_objects_to_merge);
    end();
}

static void print_eval_breaker_bits(void)
{
    begin("eval_breaker_bits");
    num("gil_drop_request", bit_number(_PY_GIL_DROP_REQUEST_BIT));
    num("signals_pending", bit_number(_PY_SIGNALS_PENDING_BIT));
    num("calls_to_do", bit_number(_PY_CALLS_TO_DO_BIT));
    num("async_exception", bit_number(_PY_ASYNC_EXCEPTION_BIT));
    num("gc_scheduled", bit_number(_PY_GC_SCHEDULED_BIT));
    num("please_stop", bit_number(_PY_EVAL_PLEASE_STOP_BIT));
    num("explicit_merge", bit_number(_PY_EVAL_EXPLICIT_MERGE_BIT));
    end();
    /* The low bits hold the event flags above; the bits from version_shift
     * up hold the instrumentation version. */
    begin("eval_breaker");
    num("events_mask", _PY_EVAL_EVENTS_MASK);
    num("version_shift", _PY_EVAL_EVENTS_BITS);
    end();
}

static void print_runtime_state(void)
{
    begin("runtime_state");
    SIZE(_PyRuntimeState);
    num("debug_offsets_size", (long long)sizeof(_Py_DebugOffsets));
    OFFSET("finalizing", _PyRuntimeState, _finalizing);
    OFFSET("interpreters_head", _PyRuntimeState, interpreters.head);
    OFFSET("interpreters_main", _PyRuntimeState, interpreters.main);
    OFFSET("main_thread", _PyRuntimeState, main_thread);
    OFFSET("main_tstate", _PyRuntimeState, main_tstate);
    OFFSET("interpreters_mutex", _PyRuntimeState, interpreters.mutex);
    OFFSET("stoptheworld_mutex", _PyRuntimeState, stoptheworld_mutex);
    OFFSET("stoptheworld", _PyRuntimeState, stoptheworld);
    end();
}

static void print_interpreter_state(void)
{
    begin("interpreter_state");
    SIZE(PyInterpreterState);
    OFFSET("instrumentation_version", PyInterpreterState, ceval.instrumentation_version);
    OFFSET("ceval_gil", PyInterpreterState, ceval.gil);
    OFFSET("next", PyInterpreterState, next);
    OFFSET("id", PyInterpreterState, id);
    OFFSET("threads_head", PyInterpreterState, threads.head);
    OFFSET("threads_main", PyInterpreterState, threads.main);
    OFFSET("threads_count", PyInterpreterState, threads.count);
    OFFSET("gc", PyInterpreterState, gc);
    OFFSET("gil_enabled", PyInterpreterState, _gil.enabled);
    OFFSET("stoptheworld", PyInterpreterState, stoptheworld);
    OFFSET("qsbr", PyInterpreterState, qsbr);
    OFFSET("mimalloc", PyInterpreterState, mimalloc);
    OFFSET("brc", PyInterpreterState, brc);
    OFFSET("imports_lock", PyInterpreterState, imports.lock);
    end();
}

/* _PyInterpreterFrame fields _Py_DebugOffsets lacks */
static void print_interpreter_frame(void)
{
    begin("interpreter_frame");
    OFFSET("globals", _PyInterpreterFrame, f_globals);
    end();
}

/* PyCodeObject fields _Py_DebugOffsets lacks */
static void print_code_object(void)
{
    begin("code_object");
    OFFSET("exceptiontable", PyCodeObject, co_exceptiontable);
    OFFSET("stacksize", PyCodeObject, co_stacksize);
    end();
}

/* What a `with` block leaves on its frame's value stack: the bound __exit__,
 * a C method (a lock's) or a Python method (threading.Condition's). */
static void print_bound_methods(void)
{
    begin("bound_methods");
    /* builtin_function_or_method */
    begin("cfunction");
    SIZE(PyCFunctionObject);
    OFFSET("m_ml", PyCFunctionObject, m_ml);
    OFFSET("m_self", PyCFunctionObject, m_self);
    end();
    begin("method_def");
    SIZE(PyMethodDef);
    OFFSET("ml_name", PyMethodDef, ml_name);
    end();
    /* a bound Python method */
    begin("method");
    SIZE(PyMethodObject);
    OFFSET("im_func", PyMethodObject, im_func);
    OFFSET("im_self", PyMethodObject, im_self);
    end();
    begin("function");
    SIZE(PyFunctionObject);
    OFFSET("func_code", PyFunctionObject, func_code);
    end();
    end();
}

static void print_gc(void)
{
    typedef struct _gc_runtime_state gc_state;
    begin("gc");
    SIZE(gc_state);
    OFFSET("enabled", gc_state, enabled);
    OFFSET("debug", gc_state, debug);
    OFFSET("collecting", gc_state, collecting);
    OFFSET("garbage", gc_state, garbage);
    OFFSET("callbacks", gc_state, callbacks);
    OFFSET("long_lived_total", gc_state, long_lived_total);
    OFFSET("long_lived_pending", gc_state, long_lived_pending);
    OFFSET("immortalize", gc_state, immortalize);
    OFFSET("permanent_generation", gc_state, permanent_generation);
    ARRAY("generations", gc_state, generations);
    OFFSET("threshold", struct gc_generation, threshold);
    OFFSET("count", struct gc_generation, count);
    end();
    ARRAY("generation_stats", gc_state, generation_stats);
    OFFSET("collections", struct gc_generation_stats, collections);
    OFFSET("collected", struct gc_generation_stats, collected);
    OFFSET("uncollectable", struct gc_generation_stats, uncollectable);
    end();
    end();
}

static void print_stop_the_world(void)
{
    typedef struct _stoptheworld_state stw_state;
    begin("stop_the_world");
    SIZE(stw_state);
    OFFSET("mutex", stw_state, mutex);
    OFFSET("requested", stw_state, requested);
    OFFSET("world_stopped", stw_state, world_stopped);
    OFFSET("is_global", stw_state, is_global);
    OFFSET("stop_event", stw_state, stop_event);
    OFFSET("thread_countdown", stw_state, thread_countdown);
    OFFSET("requester", stw_state, requester);
    end();
}

static void print_locks(void)
{
    begin("locks");
    begin("mutex");
    SIZE(PyMutex);
    OFFSET("bits", PyMutex, _bits);
    end();
    begin("mutex_bits");
    num("locked", bit_number(_Py_LOCKED));
    num("has_parked", bit_number(_Py_HAS_PARKED));
    num("once_initialized", bit_number(_Py_ONCE_INITIALIZED));
    end();
    begin("event");
    SIZE(PyEvent);
    OFFSET("v", PyEvent, v);
    end();
    begin("raw_mutex");
    SIZE(_PyRawMutex);
    OFFSET("v", _PyRawMutex, v);
    end();
    begin("rw_mutex");
    SIZE(_PyRWMutex);
    OFFSET("bits", _PyRWMutex, bits);
    end();
    begin("recursive_mutex");
    SIZE(_PyRecursiveMutex);
    OFFSET("mutex", _PyRecursiveMutex, mutex);
    OFFSET("thread", _PyRecursiveMutex, thread);
    OFFSET("level", _PyRecursiveMutex, level);
    end();
    /* threading.Lock */
    begin("lock_object");
    SIZE(lockobject);
    OFFSET("lock", lockobject, lock);
    end();
    /* threading.RLock (C implementation); rlock_lock is a PyThread_type_lock */
    begin("rlock_object");
    SIZE(rlockobject);
    OFFSET("rlock_lock", rlockobject, rlock_lock);
    OFFSET("rlock_owner", rlockobject, rlock_owner);
    num("rlock_owner_size", MEMBER_SIZE(rlockobject, rlock_owner));
    OFFSET("rlock_count", rlockobject, rlock_count);
    num("rlock_count_size", MEMBER_SIZE(rlockobject, rlock_count));
    end();
    begin("critical_section");
    SIZE(PyCriticalSection);
    OFFSET("prev", PyCriticalSection, _cs_prev);
    OFFSET("mutex", PyCriticalSection, _cs_mutex);
    num("size2", (long long)sizeof(PyCriticalSection2));
    OFFSET("mutex2", PyCriticalSection2, _cs_mutex2);
    num("tag_inactive", _Py_CRITICAL_SECTION_INACTIVE);
    num("tag_two_mutexes", _Py_CRITICAL_SECTION_TWO_MUTEXES);
    num("tag_mask", _Py_CRITICAL_SECTION_MASK);
    end();
    end();
}

static void print_parking_lot(void)
{
    begin("parking_lot");
    str("buckets_symbol", "buckets");
    num("num_buckets", PARKING_LOT_NUM_BUCKETS);
    begin("bucket");
    SIZE(Bucket);
    OFFSET("mutex", Bucket, mutex);
    OFFSET("root", Bucket, root);
    OFFSET("num_waiters", Bucket, num_waiters);
    end();
    begin("wait_entry");
    SIZE(struct wait_entry);
    OFFSET("park_arg", struct wait_entry, park_arg);
    OFFSET("addr", struct wait_entry, addr);
    OFFSET("sema", struct wait_entry, sema);
    OFFSET("node", struct wait_entry, node);
    OFFSET("is_unparking", struct wait_entry, is_unparking);
    end();
    begin("mutex_entry");
    SIZE(struct mutex_entry);
    OFFSET("time_to_be_fair", struct mutex_entry, time_to_be_fair);
    OFFSET("handed_off", struct mutex_entry, handed_off);
    end();
    begin("llist_node");
    SIZE(struct llist_node);
    OFFSET("next", struct llist_node, next);
    OFFSET("prev", struct llist_node, prev);
    end();
    end();
}

static void print_object(void)
{
    begin("object");
    SIZE(PyObject);
    OFFSET("ob_tid", PyObject, ob_tid);
    OFFSET("ob_mutex", PyObject, ob_mutex);
    OFFSET("ob_gc_bits", PyObject, ob_gc_bits);
    OFFSET("ob_ref_local", PyObject, ob_ref_local);
    OFFSET("ob_ref_shared", PyObject, ob_ref_shared);
    OFFSET("ob_type", PyObject, ob_type);
    begin("gc_bits");
    num("tracked", bit_number(_PyGC_BITS_TRACKED));
    num("finalized", bit_number(_PyGC_BITS_FINALIZED));
    num("unreachable", bit_number(_PyGC_BITS_UNREACHABLE));
    num("frozen", bit_number(_PyGC_BITS_FROZEN));
    num("shared", bit_number(_PyGC_BITS_SHARED));
    num("shared_inline", bit_number(_PyGC_BITS_SHARED_INLINE));
    num("deferred", bit_number(_PyGC_BITS_DEFERRED));
    end();
    begin("refcount");
    num("immortal_local", _Py_IMMORTAL_REFCNT_LOCAL);
    num("unowned_tid", _Py_UNOWNED_TID);
    num("shared_shift", _Py_REF_SHARED_SHIFT);
    num("shared_flag_mask", _Py_REF_SHARED_FLAG_MASK);
    num("maybe_weakref", _Py_REF_MAYBE_WEAKREF);
    num("queued", _Py_REF_QUEUED);
    num("merged", _Py_REF_MERGED);
    end();
    end();
    begin("module_object");
    SIZE(PyModuleObject);
    OFFSET("md_dict", PyModuleObject, md_dict);
    OFFSET("md_def", PyModuleObject, md_def);
    OFFSET("md_name", PyModuleObject, md_name);
    OFFSET("md_gil", PyModuleObject, md_gil);
    num("gil_used", (long long)(uintptr_t)Py_MOD_GIL_USED);
    num("gil_not_used", (long long)(uintptr_t)Py_MOD_GIL_NOT_USED);
    end();
}

#define PAGE_BIT(member) BITFIELD_BIT(#member, mi_page_t,                     \
        offsetof(mi_page_t, slice_offset) + sizeof(uint32_t), member)

static void print_mimalloc(void)
{
    typedef struct _mimalloc_thread_state mi_state;
    begin("mimalloc");
    /* _PyThreadStateImpl.mimalloc */
    begin("thread_state");
    SIZE(mi_state);
    OFFSET("current_object_heap", mi_state, current_object_heap);
    ARRAY("heaps", mi_state, heaps);
    end();
    OFFSET("tld", mi_state, tld);
    OFFSET("initialized", mi_state, initialized);
    OFFSET("page_list", mi_state, page_list);
    end();
    begin("heap_ids");
    num("mem", _Py_MIMALLOC_HEAP_MEM);
    num("object", _Py_MIMALLOC_HEAP_OBJECT);
    num("gc", _Py_MIMALLOC_HEAP_GC);
    num("gc_pre", _Py_MIMALLOC_HEAP_GC_PRE);
    end();
    begin("heap");
    SIZE(mi_heap_t);
    OFFSET("tld", mi_heap_t, tld);
    ARRAY("pages", mi_heap_t, pages);
    OFFSET("first", mi_page_queue_t, first);
    OFFSET("last", mi_page_queue_t, last);
    OFFSET("block_size", mi_page_queue_t, block_size);
    end();
    OFFSET("thread_delayed_free", mi_heap_t, thread_delayed_free);
    OFFSET("thread_id", mi_heap_t, thread_id);
    OFFSET("page_count", mi_heap_t, page_count);
    OFFSET("next", mi_heap_t, next);
    OFFSET("tag", mi_heap_t, tag);
    OFFSET("debug_offset", mi_heap_t, debug_offset);
    OFFSET("page_use_qsbr", mi_heap_t, page_use_qsbr);
    end();
    begin("page");
    SIZE(mi_page_t);
    OFFSET("slice_count", mi_page_t, slice_count);
    OFFSET("slice_offset", mi_page_t, slice_offset);
    /* the byte of bitfields right after slice_offset */
    num("flags_byte", (long long)(offsetof(mi_page_t, slice_offset) + sizeof(uint32_t)));
    begin("flags_byte_bits");
    PAGE_BIT(is_committed);
    PAGE_BIT(is_zero_init);
    PAGE_BIT(use_qsbr);
    PAGE_BIT(tag);
    end();
    {
        mi_page_t page;
        memset(&page, 0xff, sizeof page);
        num("tag_width", __builtin_popcount(page.tag));
    }
    OFFSET("debug_offset", mi_page_t, debug_offset);
    OFFSET("capacity", mi_page_t, capacity);
    OFFSET("reserved", mi_page_t, reserved);
    OFFSET("free", mi_page_t, free);
    OFFSET("used", mi_page_t, used);
    OFFSET("xblock_size", mi_page_t, xblock_size);
    OFFSET("local_free", mi_page_t, local_free);
    OFFSET("xthread_free", mi_page_t, xthread_free);
    OFFSET("xheap", mi_page_t, xheap);
    OFFSET("next", mi_page_t, next);
    OFFSET("prev", mi_page_t, prev);
    end();
    begin("segment");
    SIZE(mi_segment_t);
    num("alignment", (long long)MI_SEGMENT_SIZE);
    num("slice_size", (long long)MI_SEGMENT_SLICE_SIZE);
    OFFSET("segment_size", mi_segment_t, segment_size);
    OFFSET("used", mi_segment_t, used);
    OFFSET("abandoned", mi_segment_t, abandoned);
    OFFSET("segment_slices", mi_segment_t, segment_slices);
    OFFSET("kind", mi_segment_t, kind);
    OFFSET("slice_entries", mi_segment_t, slice_entries);
    OFFSET("thread_id", mi_segment_t, thread_id);
    OFFSET("slices", mi_segment_t, slices);
    end();
    /* interp->mimalloc.abandoned_pool: segments of exited threads */
    begin("abandoned_pool");
    num("offset", (long long)offsetof(struct _mimalloc_interp_state, abandoned_pool));
    SIZE(mi_abandoned_pool_t);
    OFFSET("abandoned_visited", mi_abandoned_pool_t, abandoned_visited);
    OFFSET("abandoned", mi_abandoned_pool_t, abandoned);
    OFFSET("abandoned_count", mi_abandoned_pool_t, abandoned_count);
    OFFSET("abandoned_visited_count", mi_abandoned_pool_t, abandoned_visited_count);
    /* `abandoned` is a tagged pointer: the tag in these low bits */
    num("tag_mask", (long long)MI_SEGMENT_MASK);
    OFFSET("segment_next", mi_segment_t, abandoned_next);
    end();
    begin("tld");
    SIZE(mi_tld_t);
    OFFSET("heap_backing", mi_tld_t, heap_backing);
    OFFSET("heaps", mi_tld_t, heaps);
    OFFSET("segments_count", mi_tld_t, segments.count);
    OFFSET("segments_peak_count", mi_tld_t, segments.peak_count);
    OFFSET("segments_current_size", mi_tld_t, segments.current_size);
    OFFSET("segments_peak_size", mi_tld_t, segments.peak_size);
    end();
    end();
}

static void print_brc(void)
{
    begin("brc");
    /* PyInterpreterState.brc: a hash table of thread states by brc.tid */
    begin("state");
    SIZE(struct _brc_state);
    ARRAY("table", struct _brc_state, table);
    OFFSET("mutex", struct _brc_bucket, mutex);
    OFFSET("root", struct _brc_bucket, root);
    end();
    end();
    /* the chunks of a _PyObjectStack (brc.objects_to_merge) */
    begin("object_stack_chunk");
    SIZE(_PyObjectStackChunk);
    OFFSET("prev", _PyObjectStackChunk, prev);
    OFFSET("n", _PyObjectStackChunk, n);
    ARRAY("objs", _PyObjectStackChunk, objs);
    end();
    end();
    end();
}

static void print_qsbr(void)
{
    begin("qsbr");
    begin("shared");
    SIZE(struct _qsbr_shared);
    OFFSET("wr_seq", struct _qsbr_shared, wr_seq);
    OFFSET("rd_seq", struct _qsbr_shared, rd_seq);
    OFFSET("array", struct _qsbr_shared, array);
    OFFSET("array_length", struct _qsbr_shared, size);
    num("array_stride", (long long)sizeof(struct _qsbr_pad));
    end();
    begin("thread_state");
    SIZE(struct _qsbr_thread_state);
    OFFSET("seq", struct _qsbr_thread_state, seq);
    OFFSET("tstate", struct _qsbr_thread_state, tstate);
    OFFSET("deferrals", struct _qsbr_thread_state, deferrals);
    OFFSET("allocated", struct _qsbr_thread_state, allocated);
    end();
    end();
}

int main(void)
{
    putchar('{');
    print_python();
    print_thread_state();
    print_thread_states();
    print_thread_state_impl();
    print_eval_breaker_bits();
    print_runtime_state();
    print_interpreter_state();
    print_interpreter_frame();
    print_code_object();
    print_bound_methods();
    print_gc();
    print_stop_the_world();
    print_locks();
    print_parking_lot();
    print_object();
    print_mimalloc();
    print_brc();
    print_qsbr();
    puts("}");
    return 0;
}
