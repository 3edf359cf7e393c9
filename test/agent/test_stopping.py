"""When a step ends, which code the user sees, and what a stopped thread says of its exception."""

import os
import sys
import threading
import unittest

from ftpy_agent import parked_requests, stops, visibility
from ftpy_agent.visibility import Visibility


def _frames():
    """(outer frame, inner frame called from it, a sibling called after the inner one returned)."""

    def inner():
        return sys._getframe()

    def sibling():
        return sys._getframe()

    def outer():
        return sys._getframe(), inner(), sibling()

    return outer()


class StepTest(unittest.TestCase):
    def test_step_over_ends_in_its_own_frame_or_after_it_returned_not_in_a_callee(self):
        outer, inner, _ = _frames()
        step = stops.Step("over", outer)
        self.assertFalse(step.done(inner))
        self.assertTrue(step.done(outer))
        self.assertTrue(step.done(sys._getframe()))  # outer has returned: its caller's line

    def test_step_out_ends_only_once_its_frame_returned(self):
        outer, inner, _ = _frames()
        step = stops.Step("out", outer)
        self.assertFalse(step.done(outer))
        self.assertFalse(step.done(inner))
        self.assertTrue(step.done(sys._getframe()))

    def test_step_in_ends_at_the_next_line_anywhere(self):
        outer, inner, sibling = _frames()
        for frame in (outer, inner, sibling):
            self.assertTrue(stops.Step("in", outer).done(frame))

    def test_stepping_by_instruction_first_leaves_its_origin(self):
        outer, _, _ = _frames()
        self.assertTrue(stops.Step("over", outer, instruction_offset=4).leaving_origin)
        self.assertFalse(stops.Step("over", outer).leaving_origin)


class VisibilityTest(unittest.TestCase):
    def test_the_agent_is_never_seen_the_stdlib_only_without_just_my_code(self):
        agent_file = os.path.join(visibility.AGENT_DIR, "ftpy_agent", "monitor.py")
        for just_my_code, stdlib_hidden in ((True, True), (False, False)):
            with self.subTest(just_my_code=just_my_code):
                seen = Visibility(just_my_code)
                self.assertTrue(seen.is_hidden(agent_file))
                self.assertEqual(seen.is_hidden(threading.__file__), stdlib_hidden)
                self.assertEqual(seen.is_hidden("<frozen importlib._bootstrap>"), stdlib_hidden)
                self.assertFalse(seen.is_hidden(__file__))

    def test_frames_leave_out_the_hidden_ones_with_their_lines(self):
        # Below this test's frame run unittest's (stdlib): hidden with justMyCode, shown without it.
        here = sys._getframe()
        line, shown = here.f_lineno, Visibility(True).frames(here)  # one line: the line it is on
        self.assertEqual([(frame.frame, frame.line) for frame in shown[:1]], [(here, line)])
        self.assertFalse([frame for frame in shown if Visibility.is_library(frame.frame.f_code.co_filename)])
        self.assertGreater(len(Visibility(False).frames(here)), len(shown))


class ExceptionInfoTest(unittest.TestCase):
    def stop_on(self, exception):
        try:
            raise exception
        except Exception as caught:
            return stops.Stop([], "exception", caught, "unhandled")

    def test_builtins_by_name_others_with_their_module(self):
        info = parked_requests._exception_info(self.stop_on(ValueError("bad value")))
        self.assertEqual((info["exceptionId"], info["description"], info["breakMode"]), ("ValueError", "bad value", "unhandled"))
        self.assertIn("raise exception", info["details"]["stackTrace"])
        info = parked_requests._exception_info(self.stop_on(unittest.SkipTest("skipped")))
        self.assertEqual(info["exceptionId"], "unittest.case.SkipTest")

    def test_a_stop_without_an_exception_is_refused(self):
        with self.assertRaises(LookupError):
            parked_requests._exception_info(stops.Stop([], "breakpoint"))
        with self.assertRaises(LookupError):
            parked_requests._exception_info(None)


if __name__ == "__main__":
    unittest.main()
