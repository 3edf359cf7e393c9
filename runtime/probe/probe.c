/* The offsets probe: compiled against the TARGET interpreter's own headers
 * (include/python3.Nt and include/python3.Nt/internal, with Py_BUILD_CORE),
 * it prints as JSON the struct offsets, sizes and constants that
 * _Py_DebugOffsets does not give. It only uses offsetof/sizeof and macros,
 * so it needs no libpython at link time.
 *
 * Offsets inside a section are relative to the start of the struct the
 * section names, nested members included (e.g. thread_state_impl.brc.tid is
 * offsetof(_PyThreadStateImpl, brc.tid)).
 */
#ifndef Py_BUILD_CORE
#  define Py_BUILD_CORE 1
#endif
#include "Python.h"
#include "pycore_ceval.h"
#include "pycore_pystate.h"
#include "pycore_tstate.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifndef Py_GIL_DISABLED
#  error "the offsets probe targets free-threaded builds (Py_GIL_DISABLED) only"
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
#define SIZE_OF_MEMBER(type, member) ((long long)sizeof(((type *)0)->member))

/* Bitfields have no offsetof: set one bit-field member in a zeroed struct and
 * look which bit of the 32-bit word at `word_offset` changed. */
#define BITFIELD_BIT(name, type, word_offset, member) do {                    \
        type probe_;                                                          \
        unsigned int word_;                                                   \
        memset(&probe_, 0, sizeof probe_);                                    \
        probe_.member = 1;                                                    \
        memcpy(&word_, (char *)&probe_ + (word_offset), sizeof word_);        \
        num(name, bit_number(word_));                                         \
    } while (0)

/* --- sections --- */

static void python(void)
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

static void thread_state(void)
{
    begin("thread_state");
    SIZE(PyThreadState);
    OFFSET("prev", PyThreadState, prev);
    OFFSET("next", PyThreadState, next);
    OFFSET("interp", PyThreadState, interp);
    OFFSET("eval_breaker", PyThreadState, eval_breaker);
    OFFSET("status", PyThreadState, _status);
    num("status_size", SIZE_OF_MEMBER(PyThreadState, _status));
    OFFSET("whence", PyThreadState, _whence);
    OFFSET("state", PyThreadState, state);
    OFFSET("current_frame", PyThreadState, current_frame);
    OFFSET("thread_id", PyThreadState, thread_id);
    OFFSET("native_thread_id", PyThreadState, native_thread_id);
    OFFSET("critical_section", PyThreadState, critical_section);
    OFFSET("id", PyThreadState, id);
    OFFSET("datastack_chunk", PyThreadState, datastack_chunk);
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

static void thread_states(void)
{
    begin("thread_states");
    num("detached", _Py_THREAD_DETACHED);
    num("attached", _Py_THREAD_ATTACHED);
    num("suspended", _Py_THREAD_SUSPENDED);
    end();
}

static void eval_breaker_bits(void)
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

int main(void)
{
    putchar('{');
    python();
    thread_state();
    thread_states();
    eval_breaker_bits();
    puts("}");
    return 0;
}
