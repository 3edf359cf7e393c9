"""The request loop's order of things where the program may end at once."""

import threading
import unittest

from ftpy_agent import session


class _Channel:
    def __init__(self, requests, log):
        self._requests = requests
        self._log = log

    def requests(self):
        return iter(self._requests)

    def reply(self, request, body=None, error=None):
        self._log.append(("reply", request["command"]))


class _Released(threading.Event):
    def __init__(self, log):
        super().__init__()
        self._log = log

    def set(self):
        self._log.append(("released", None))
        super().set()


class _Monitor:
    def detach(self):
        pass


class ConfigurationDoneTest(unittest.TestCase):
    def test_the_answer_is_sent_before_the_program_is_released(self):
        """A program released first may end, its process with it, before the answer goes out."""
        log = []
        request = {"type": "request", "id": 1, "command": "configurationDone", "arguments": {}}
        serving = session.Session(_Channel([request], log), _Monitor(), _Released(log))
        serving.detached = True  # no adapter to lose at the end of the requests
        serving.serve()
        self.assertEqual(log[:2], [("reply", "configurationDone"), ("released", None)])


if __name__ == "__main__":
    unittest.main()
