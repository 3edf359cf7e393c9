"""Where line breakpoints go and when they fire."""

import os
import tempfile
import textwrap
import types
import unittest

from ftpy_agent import breakpoints

SOURCE = textwrap.dedent(
    """\
    import os

    def work(n):
        # a comment
        total = 0
        for i in range(n):
            total += i
        return total
    """
)


class PlaceTest(unittest.TestCase):
    def setUp(self):
        handle, self.path = tempfile.mkstemp(suffix=".py")
        with os.fdopen(handle, "w") as file:
            file.write(SOURCE)
        self.addCleanup(os.unlink, self.path)

    def test_a_line_without_code_moves_to_the_next_line_with_code(self):
        answers, placed = breakpoints.place(self.path, [{"line": 4}, {"line": 7}])
        self.assertEqual([answer["line"] for answer in answers], [5, 7])
        self.assertTrue(all(answer["verified"] for answer in answers))
        self.assertEqual(sorted(placed), [5, 7])

    def test_past_the_last_line_is_unverified_with_the_reason(self):
        answers, placed = breakpoints.place(self.path, [{"line": 40}])
        self.assertEqual(answers, [{"verified": False, "line": 40, "message": "No code at or after line 40."}])
        self.assertEqual(placed, {})

    def test_a_file_that_does_not_compile_says_where(self):
        with open(self.path, "w") as file:
            file.write("def broken(:\n")
        answers, _ = breakpoints.place(self.path, [{"line": 1}])
        self.assertFalse(answers[0]["verified"])
        self.assertIn("does not compile (line 1)", answers[0]["message"])

    def test_a_missing_file_says_so(self):
        answers, _ = breakpoints.place(self.path + ".gone", [{"line": 1}])
        self.assertEqual(answers[0]["message"], f"File not found: {self.path}.gone")

    def test_a_bad_condition_or_hit_count_is_refused_alone(self):
        answers, placed = breakpoints.place(self.path, [{"line": 5, "condition": "total =="}, {"line": 7, "hitCondition": "every 3"}, {"line": 8}])
        self.assertEqual([answer["verified"] for answer in answers], [False, False, True])
        self.assertIn("Invalid breakpoint", answers[0]["message"])
        self.assertIn("Invalid hit count 'every 3'", answers[1]["message"])
        self.assertEqual(sorted(placed), [8])


class FiresTest(unittest.TestCase):
    def fires(self, breakpoint, times, **local_values):
        output = []
        frame = _frame_with(**local_values)
        return [breakpoint.fires(frame, output.append) for _ in range(times)], output

    def test_hit_counts(self):
        cases = {"3": [False, False, True, True], "== 2": [False, True, False, False], "> 2": [False, False, True, True], "% 2": [False, True, False, True], "< 3": [True, True, False, False]}
        for text, expected in cases.items():
            with self.subTest(hit_condition=text):
                self.assertEqual(self.fires(breakpoints.Breakpoint(1, hit_condition=text), 4)[0], expected)

    def test_a_condition_is_evaluated_in_the_frame(self):
        self.assertEqual(self.fires(breakpoints.Breakpoint(1, condition="x > 1"), 1, x=2)[0], [True])
        self.assertEqual(self.fires(breakpoints.Breakpoint(1, condition="x > 1"), 1, x=0)[0], [False])

    def test_a_failing_condition_stops_and_says_why(self):
        fired, output = self.fires(breakpoints.Breakpoint(1, condition="missing > 1"), 1)
        self.assertEqual(fired, [True])
        self.assertIn("Breakpoint condition failed (NameError", output[0])

    def test_a_logpoint_prints_and_never_stops(self):
        fired, output = self.fires(breakpoints.Breakpoint(1, log_message="x is {x}, {1/0}"), 1, x=5)
        self.assertEqual(fired, [False])
        self.assertEqual(output, ["x is 5, <ZeroDivisionError: division by zero>\n"])


def _frame_with(**local_values):
    """What fires() reads of a frame: its globals and locals."""
    return types.SimpleNamespace(f_globals={}, f_locals=dict(local_values))


if __name__ == "__main__":
    unittest.main()
