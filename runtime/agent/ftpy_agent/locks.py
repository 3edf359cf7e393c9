"""Lock tracking (launch attribute trackLocks): who holds which lock, since where, and who waits.

``install`` replaces the factories in threading and queue (Lock, RLock, Condition, Semaphore,
BoundedSemaphore, Event, Barrier, Queue, LifoQueue, PriorityQueue) with tracked versions, just
before the program runs; without it the program's locks are untouched.

Cost model: an uncontended acquire records the owner and the caller's frame and instruction
(three slot stores: the line and the stack are worked out only when asked for); a release
clears them. Only a thread that has to block writes to shared state (``_waiting``), once per
wait. Nothing is sent: the adapter asks for a ``snapshot`` when it wants one.

Ids are ``hex(id(obj))`` of the object the program holds. A Lock is a wrapper around a
``_thread.lock`` (which cannot be subclassed): the memory reader sees the inner lock, listed
in ``aliases``, as are the inner locks of a Condition (its lock, its waiters' private locks),
Semaphore, Event, Barrier and Queue. Waits on a primitive's inner parts are shown as waits on
the primitive itself (its ``_container`` chain).
"""

import _thread
import queue
import sys
import threading
import weakref

_getframe = sys._getframe
_get_ident = _thread.get_ident
_allocate_raw = _thread.allocate_lock
_originals = {}  # (module, name) -> the factory replaced by install()
_waiting = {}  # thread ident -> (tracked object, frame, instruction offset) while it blocks
_tracked = set()  # weakrefs of every tracked object alive


def _track(obj):
    _tracked.add(weakref.ref(obj, _tracked.discard))


def _wait_begins(obj, frame):
    """Records that this thread blocks on obj; False when an outer primitive already did
    (a Semaphore waiting through its Condition is shown waiting on the Semaphore)."""
    ident = _get_ident()
    if ident in _waiting:
        return False
    _waiting[ident] = (obj, frame, frame.f_lasti)
    return True


def _wait_ends(began):
    if began:
        _waiting.pop(_get_ident(), None)


_BRIEF_S = 0.001  # most contended waits end within this: they are not recorded


def _acquire_waiting(acquire, obj, frame, timeout):
    """A blocking acquire that failed at once: a brief wait first, then a recorded one. Only
    the recorded wait writes to ``_waiting``, which both threads of a contended lock would
    otherwise do at every acquire."""
    if acquire(True, _BRIEF_S if timeout < 0 or timeout > _BRIEF_S else timeout):
        return True
    if 0 <= timeout <= _BRIEF_S:
        return False
    began = _wait_begins(obj, frame)
    try:
        return acquire(True, timeout if timeout < 0 else timeout - _BRIEF_S)
    finally:
        _wait_ends(began)


def anyone_waiting():
    return bool(_waiting)


def _contain(container, *parts):
    for part in parts:
        part._container = container
        inner = getattr(part, "_lock", None)
        if isinstance(inner, (Lock, RLock)):
            inner._container = container


class Lock:
    """threading.Lock with its owner and acquisition site."""

    __slots__ = ("_lock", "_owner", "_frame", "_lasti", "_container", "__weakref__")

    def __init__(self):
        self._lock = _allocate_raw()
        self._owner = None
        self._frame = None
        self._lasti = -1
        self._container = None
        _track(self)

    def acquire(self, blocking=True, timeout=-1):
        if self._lock.acquire(False):
            frame = self._frame = _getframe(1)
            self._lasti = frame.f_lasti
            self._owner = _get_ident()
            return True
        if not blocking:
            return False
        frame = _getframe(1)
        if not _acquire_waiting(self._lock.acquire, self, frame, timeout):
            return False
        self._frame = frame
        self._lasti = frame.f_lasti
        self._owner = _get_ident()
        return True

    __enter__ = acquire_lock = acquire  # `with lock:` calls __enter__ from the user's frame too

    def release(self):
        self._owner = self._frame = None
        self._lock.release()

    release_lock = release

    def __exit__(self, *_exception):
        self._owner = self._frame = None
        self._lock.release()

    def locked(self):
        return self._lock.locked()

    locked_lock = locked

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()
        self._owner = self._frame = None

    def __repr__(self):
        return f"<{'locked' if self._lock.locked() else 'unlocked'} _thread.lock object at {id(self):#x}>"


class RLock(_thread.RLock):
    """threading.RLock (the C one, so memory shows the same object) with its acquisition site."""

    __slots__ = ("_owner", "_depth", "_frame", "_lasti", "_container")

    def __init__(self):
        self._owner = None
        self._depth = 0
        self._frame = None
        self._container = None
        _track(self)

    def acquire(self, blocking=True, timeout=-1):
        if not _thread.RLock.acquire(self, False):
            if not blocking or not _acquire_waiting(super().acquire, self, _getframe(1), timeout):
                return False
        ident = _get_ident()
        if self._owner == ident:
            self._depth += 1
        else:
            frame = self._frame = _getframe(1)
            self._lasti = frame.f_lasti
            self._depth = 1
            self._owner = ident
        return True

    __enter__ = acquire

    def release(self):
        if self._owner == _get_ident() and self._depth == 1:
            self._owner = self._frame = None
            self._depth = 0
        elif self._owner == _get_ident():
            self._depth -= 1
        _thread.RLock.release(self)

    def __exit__(self, *_exception):
        self.release()

    # Condition.wait releases the lock completely and takes it back afterwards.
    def _release_save(self):
        saved = (self._depth, self._frame, self._lasti)
        self._owner = self._frame = None
        self._depth = 0
        return _thread.RLock._release_save(self), saved

    def _acquire_restore(self, state):
        _thread.RLock._acquire_restore(self, state[0])
        self._depth, self._frame, self._lasti = state[1]
        self._owner = _get_ident()

    def _at_fork_reinit(self):
        _thread.RLock._at_fork_reinit(self)
        self._owner = self._frame = None
        self._depth = 0


class Condition(threading.Condition):
    _container = None

    def __init__(self, lock=None):
        super().__init__(lock)
        if lock is None:
            self._lock._container = self  # its own lock: holding it is holding the Condition
        _track(self)

    def __enter__(self):
        entered = self._lock.__enter__()
        frame = self._lock._frame = _getframe(1)  # the program's `with`, not this frame
        self._lock._lasti = frame.f_lasti
        return entered

    def wait(self, timeout=None):
        began = _wait_begins(self, _getframe(1))
        try:
            return super().wait(timeout)
        finally:
            _wait_ends(began)


class _Holders:
    """What a Semaphore adds: the threads holding a unit, and where they took it."""

    def _track_holders(self):
        self._holders = []  # [ident, frame, instruction offset], oldest first
        self._holders_lock = _allocate_raw()
        _contain(self, self._cond)
        _track(self)

    def acquire(self, blocking=True, timeout=None):
        if not super().acquire(blocking, timeout):
            return False
        frame = _getframe(1)
        with self._holders_lock:
            self._holders.append((_get_ident(), frame, frame.f_lasti))
        return True

    __enter__ = acquire

    def release(self, n=1):
        super().release(n)
        ident = _get_ident()
        with self._holders_lock:
            for _ in range(n):
                mine = [index for index, holder in enumerate(self._holders) if holder[0] == ident]
                if mine:
                    del self._holders[mine[-1]]
                elif self._holders:
                    del self._holders[0]  # released by another thread: the oldest unit goes

    def __exit__(self, *_exception):
        self.release()


class Semaphore(_Holders, threading.Semaphore):
    _container = None

    def __init__(self, value=1):
        super().__init__(value)
        self._track_holders()


class BoundedSemaphore(_Holders, threading.BoundedSemaphore):
    _container = None

    def __init__(self, value=1):
        super().__init__(value)
        self._track_holders()


class Event(threading.Event):
    _container = None

    def __init__(self):
        super().__init__()
        _contain(self, self._cond)
        _track(self)


class Barrier(threading.Barrier):
    _container = None

    def __init__(self, parties, action=None, timeout=None):
        super().__init__(parties, action, timeout)
        _contain(self, self._cond)
        _track(self)


def _tracked_queue(base):
    class TrackedQueue(base):
        _container = None

        def __init__(self, maxsize=0):
            super().__init__(maxsize)
            _contain(self, self.mutex, self.not_empty, self.not_full, self.all_tasks_done)
            _track(self)

    TrackedQueue.__name__ = TrackedQueue.__qualname__ = base.__name__
    TrackedQueue.__module__ = base.__module__
    return TrackedQueue


_REPLACEMENTS = [
    (threading, "Lock", Lock),
    (threading, "RLock", RLock),
    (threading, "Condition", Condition),
    (threading, "Semaphore", Semaphore),
    (threading, "BoundedSemaphore", BoundedSemaphore),
    (threading, "Event", Event),
    (threading, "Barrier", Barrier),
    (queue, "Queue", _tracked_queue(queue.Queue)),
    (queue, "LifoQueue", _tracked_queue(queue.LifoQueue)),
    (queue, "PriorityQueue", _tracked_queue(queue.PriorityQueue)),
]


def install():
    """Tracks the locks created from now on (threading's own, e.g. a Thread's Event, too)."""
    for module, name, tracked in _REPLACEMENTS:
        _originals[(module, name)] = getattr(module, name)
        setattr(module, name, tracked)


def uninstall():
    """New locks are plain again (on disconnect); those already made stay tracked."""
    for (module, name), original in _originals.items():
        setattr(module, name, original)
    _originals.clear()


# ---- the snapshot (run on the agent's thread)

def _kind(obj):
    """The tracked classes are named as the kinds they are; every queue is a "Queue"."""
    return "Queue" if isinstance(obj, queue.Queue) else type(obj).__name__


def _outermost(obj):
    while obj._container is not None:
        obj = obj._container
    return obj


def _lock_id(obj):
    return f"{id(obj):#x}"


class _Entry:
    def __init__(self, obj):
        self.obj = obj
        self.owners = []  # idents
        self.acquired = {}  # ident -> (frame, lasti)
        self.waiters = []
        self.awaited = {}
        self.aliases = set()


class Snapshot:
    """The agent's view of the locks: built on the agent thread from what the program's threads recorded."""

    def __init__(self, is_hidden, thread_name, stacks):
        self.is_hidden = is_hidden
        self.thread_name = thread_name
        self.stacks = stacks
        self._lines = {}
        self.entries = {}  # id(outermost object) -> _Entry

    def _entry(self, obj):
        top = _outermost(obj)
        entry = self.entries.get(id(top))
        if entry is None:
            entry = self.entries[id(top)] = _Entry(top)
        return entry

    def build(self):
        objects = [obj for obj in (ref() for ref in list(_tracked)) if obj is not None]
        for obj in objects:
            self._add_owners(obj)
        for ident, (obj, frame, lasti) in list(_waiting.items()):
            entry = self._entry(obj)
            entry.waiters.append(ident)
            entry.awaited[ident] = (frame, lasti)
        for obj in objects:
            if id(_outermost(obj)) in self.entries:
                self._add_aliases(obj)
        return self

    def _add_owners(self, obj):
        if isinstance(obj, (Lock, RLock)):
            owner, frame, lasti = obj._owner, obj._frame, obj._lasti
            top = _outermost(obj)
            if owner is None or frame is None or isinstance(top, (_Holders, Event, Barrier)):
                return  # free, or the inner lock of a primitive whose holders are its own
            self._add_owner(self._entry(obj), owner, frame, lasti)
        elif isinstance(obj, Condition) and obj._lock._container is None and isinstance(obj._lock, (Lock, RLock)):
            lock = obj._lock  # a lock of the program's: the Condition is held with it
            if lock._owner is not None and lock._frame is not None:
                self._add_owner(self._entry(obj), lock._owner, lock._frame, lock._lasti)
        elif isinstance(obj, _Holders):
            with obj._holders_lock:
                holders = list(obj._holders)
            for ident, frame, lasti in holders:
                self._add_owner(self._entry(obj), ident, frame, lasti)

    @staticmethod
    def _add_owner(entry, ident, frame, lasti):
        if ident not in entry.acquired:
            entry.owners.append(ident)
            entry.acquired[ident] = (frame, lasti)

    def _add_aliases(self, obj):
        """The inner lock objects memory sees parked on, for the adapter to merge both views."""
        entry = self._entry(obj)
        if obj is not entry.obj:
            entry.aliases.add(_lock_id(obj))
        if isinstance(obj, Lock):
            entry.aliases.add(_lock_id(obj._lock))
        if isinstance(obj, Condition):
            entry.aliases.update(_lock_id(waiter) for waiter in list(obj._waiters))

    # ---- to JSON

    def _line(self, code, lasti):
        key = (code, lasti)
        line = self._lines.get(key)
        if line is None:
            line = next((number for start, end, number in code.co_lines() if start <= lasti < end and number is not None), code.co_firstlineno)
            self._lines[key] = line
        return line

    def _site(self, frame, lasti):
        """Where the program took or awaits a lock: the first frame of the program's own code
        (not the library or agent frames in between), with the stack above it when asked for."""
        is_hidden = self.is_hidden
        line = self._line(frame.f_code, lasti) if lasti >= 0 else frame.f_lineno
        while frame.f_back is not None and is_hidden(frame.f_code.co_filename):
            frame = frame.f_back
            line = frame.f_lineno
        code = frame.f_code
        site = {"path": code.co_filename, "line": line, "function": code.co_qualname}
        if self.stacks:
            stack = []
            caller = frame.f_back
            while caller is not None:
                if not is_hidden(caller.f_code.co_filename):
                    stack.append({"path": caller.f_code.co_filename, "line": caller.f_lineno, "function": caller.f_code.co_qualname})
                caller = caller.f_back
            site["stack"] = [{"path": site["path"], "line": line, "function": site["function"]}, *stack]
        return site

    def locks(self):
        result = []
        for entry in self.entries.values():
            obj = entry.obj
            kind = _kind(obj)
            lock = {
                "id": _lock_id(obj),
                "kind": kind,
                "label": f"{kind} {_lock_id(obj)}",
                "owners": entry.owners,
                "ownerKnown": True,
                "held": bool(entry.owners),
                "waiters": entry.waiters,
                "acquiredAt": {str(ident): self._site(*where) for ident, where in entry.acquired.items()},
                "awaitedAt": {str(ident): self._site(*where) for ident, where in entry.awaited.items()},
                "aliases": sorted(entry.aliases),
            }
            count = _count(obj)
            if count is not None:
                lock["count"] = count
            result.append(lock)
        return result

    def threads(self, states, parked):
        holds = {}
        waits = {}
        for entry in self.entries.values():
            for ident in entry.owners:
                holds.setdefault(ident, []).append(_lock_id(entry.obj))
            for ident in entry.waiters:
                waits[ident] = _lock_id(entry.obj)
        result = []
        for state in states:
            ident = state.ident
            thread = {
                "threadId": ident,
                "nativeId": state.native_id,
                "name": self.thread_name(state),
                "state": "stopped" if state.native_id in parked else "blocked" if ident in waits else "running",
                "holds": holds.get(ident, []),
            }
            if ident in waits:
                thread["waitsFor"] = waits[ident]
            result.append(thread)
        return result


def _count(obj):
    """The kind's own counter: an RLock's recursion depth, a Semaphore's value."""
    if isinstance(obj, RLock):
        return obj._depth if obj._owner is not None else None
    if isinstance(obj, _Holders):
        return obj._value
    return None
