"""The private channel to the debug adapter: JSON lines over a Unix domain socket.

The adapter listens in a 0700 directory and accepts one client that opens with the one-time
token it was given. Any thread may send; one agent thread reads.
"""

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
        self._sending = threading.local()
        self._deferred = []
        self.closed = False
        # How many threads of its own the agent starts: the adapter hides them from every view.
        self.send({"type": "hello", "token": token, "pid": os.getpid(), "agentThreads": agent_threads})

    def send(self, message):
        if self.closed:
            return
        self._write((json.dumps(message, default=repr) + "\n").encode())

    def _write(self, data):
        """Sends ``data`` (None: only what was deferred), then whatever was deferred meanwhile."""
        if getattr(self._sending, "active", False):
            # A gc callback (or a signal handler) run by this thread in the middle of its own
            # send: taking the lock again would deadlock. The outer send sends this after its own.
            if data is not None:
                self._deferred.append(data)
            return
        self._sending.active = True  # before taking the lock: a collection may start right after
        try:
            # At exit, a daemon thread that was sending is stopped for good when it comes back
            # from sendall, holding the lock: the final sends (a gc callback's) must not wait for it.
            if not self._send_lock.acquire(timeout=_FINALIZING_WAIT_S if sys.is_finalizing() else -1):
                self.closed = True  # the lock will never come back: later sends return at once
                return
            try:
                # No Python function starts while the lock is held: its PY_START callback (after a
                # restart_events) takes the monitor's lock, which a thread that parks holds while it sends.
                while not self.closed and (data is not None or self._deferred):
                    try:
                        self._socket.sendall(data if data is not None else self._deferred.pop(0))
                    except OSError:
                        self.closed = True  # the adapter went away: the program goes on
                    data = None
            finally:
                self._send_lock.release()
        finally:
            self._sending.active = False

    def before_fork(self):
        """Holds the send lock across a fork: a send cut in half would reach neither side."""
        self._send_lock.acquire()
        # This thread's own sends until the fork is done (a gc callback's) wait for the lock it holds: deferred.
        self._sending.active = True

    def after_fork_in_parent(self):
        self._sending.active = False
        self._send_lock.release()
        if self._deferred:
            self._write(None)

    def abandon(self):
        """In a forked child: the connection belongs to the parent; let go of it without a word."""
        self.closed = True
        self._send_lock = threading.Lock()
        self._sending.active = False
        self._deferred = []
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
