"""The program's threads as the agent learns them, and the events it sends about them."""

import threading
import unittest

from ftpy_agent import threads


class RecordingChannel:
    def __init__(self):
        self.events = []

    def event(self, name, body):
        self.events.append((name, body))


class ThreadsTest(unittest.TestCase):
    def setUp(self):
        self.channel = RecordingChannel()
        self.ended_steps = []
        self.threads = threads.Threads(self.channel, threading.RLock(), self.ended_steps.append)

    def run_in_thread(self, function):
        results = []
        worker = threading.Thread(target=lambda: results.append(function()), name="worker")
        worker.start()
        worker.join()
        return worker, results[0]

    def test_a_thread_met_first_registers_itself_and_is_said_to_start(self):
        worker, state = self.run_in_thread(self.threads.current)
        self.assertEqual((state.ident, state.native_id), (worker.ident, worker.native_id))
        self.assertEqual(self.channel.events, [("thread", {"reason": "started", "threadId": worker.native_id})])

    def test_a_thread_that_ended_unseen_is_said_to_exit_when_the_threads_are_listed(self):
        worker, state = self.run_in_thread(self.threads.current)
        self.threads.started(report=False)  # this thread
        listed = self.threads.listed()
        self.assertEqual([thread["id"] for thread in listed], [threading.get_native_id()])
        self.assertIn(("thread", {"reason": "exited", "threadId": worker.native_id}), self.channel.events)
        self.assertEqual(self.ended_steps, [state])
        with self.assertRaises(LookupError):
            self.threads.by_native_id(worker.native_id)

    def test_the_agent_threads_are_known_but_never_listed(self):
        _, ident = self.run_in_thread(lambda: (self.threads.agent_thread_started(), threading.get_ident())[1])
        self.assertIn(ident, self.threads.known_idents())
        self.assertIsNone(self.threads.states[ident] or None)
        self.assertEqual(self.threads.live(), [])

    def test_names_come_from_threading(self):
        state = self.threads.started(report=False)
        self.assertEqual(threads.name(state), threading.current_thread().name)
        self.assertEqual(self.threads.listed()[0]["name"], f"{threading.current_thread().name} [{threading.get_native_id()}]")


if __name__ == "__main__":
    unittest.main()
