"""The private channel to the debug adapter: JSON lines over a Unix domain socket.

The adapter listens in a 0700 directory and accepts one client that opens with the one-time
token it was given. Any thread may send; one agent thread reads.
"""

import collections
import json
import os
import socket
import sys
import threading

_FINALIZING_WAIT_S = 0.5


class Channel:
    def __init__(self, socket_path, token, agent_threads):
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.connect(socket_path)
        self._reader = self._socket.makefile("rb")
        self._send_lock = threading.Lock()
        self._outbox = collections.deque()
        self._is_finalizing = sys.is_finalizing  # kept: at finalization this module's globals are None
        self.closed = False
        # How many threads of its own the agent starts: the adapter hides them from every view.
        self.send({"type": "hello", "token": token, "pid": os.getpid(), "agentThreads": agent_threads})

    def send(self, message):
        """Queues a message and sends what is queued, unless another thread is sending: that
        thread sends it."""
        if self.closed:
            return
        self._outbox.append((json.dumps(message, default=repr) + "\n").encode())
        self._flush()

    def _flush(self):
        """Sends the outbox. A thread that finds the lock taken does not wait for it: the holder
        may be running the program's own code (a weakref or gc callback that ran during its send)
        that waits for this thread, e.g. one that starts a thread whose start this thread reports
        (seen in CPython's test_concurrent_futures). The holder looks at the outbox again after it
        lets go of the lock, so nothing queued is left behind."""
        while self._outbox and not self.closed:
            if not self._send_lock.acquire(blocking=False):
                if not self._is_finalizing():
                    return
                # At exit, a daemon thread that was sending is stopped for good when it comes back
                # from sendall, holding the lock: the final sends must not wait for it.
                if not self._send_lock.acquire(timeout=_FINALIZING_WAIT_S):
                    self.closed = True  # the lock will never come back: later sends return at once
                    return
            try:
                # No Python function starts while the lock is held: its PY_START callback (after a
                # restart_events) takes the monitor's lock, which a thread that parks holds while it sends.
                while self._outbox and not self.closed:
                    try:
                        self._socket.sendall(self._outbox.popleft())
                    except OSError:
                        self.closed = True  # the adapter went away: the program goes on
            finally:
                self._send_lock.release()

    def before_fork(self):
        """Holds the send lock across a fork: a send cut in half would reach neither side. Sends
        meanwhile stay queued; the parent sends them after the fork."""
        self._send_lock.acquire()

    def after_fork_in_parent(self):
        self._send_lock.release()
        self._flush()

    def abandon(self):
        """In a forked child: the connection belongs to the parent; let go of it without a word."""
        self.closed = True
        self._send_lock = threading.Lock()
        self._outbox = collections.deque()
        # Only this process's descriptor: the parent's connection stays. Not through the reader,
        # whose lock the parent's agent thread, blocked reading, held at the fork.
        os.close(self._socket.detach())

    def event(self, name, body):
        self.send({"type": "event", "event": name, "body": body})

    def reply(self, request, body=None, error=None):
        message = {"type": "response", "id": request.get("id"), "ok": error is None}
        if error is None:
            message["body"] = body if body is not None else {}
        else:
            message["message"] = error
        self.send(message)

    def requests(self):
        """Yields the adapter's requests until it closes the channel."""
        for line in self._reader:
            try:
                request = json.loads(line)
            except ValueError:
                continue  # not a message: the adapter never sends one, so nothing to answer
            if isinstance(request, dict):
                yield request
        self.closed = True
