"""The DAP source of code: a file's path, or a reference to the text of code without a file."""

import unittest

from ftpy_agent.sources import Sources


class SourcesTest(unittest.TestCase):
    def test_a_file_is_named_by_its_path(self):
        self.assertEqual(Sources().of(__file__), {"path": __file__, "name": "test_sources.py"})

    def test_code_without_a_file_gets_one_reference_per_name(self):
        sources = Sources()
        first, again, other = sources.of("<string>"), sources.of("<string>"), sources.of("<stdin>")
        self.assertEqual(first["sourceReference"], again["sourceReference"])
        self.assertNotEqual(first["sourceReference"], other["sourceReference"])
        self.assertEqual(first["presentationHint"], "deemphasize")

    def test_the_text_of_a_program_run_with_dash_c(self):
        sources = Sources(program_code="print('hi')\n")
        reference = sources.of("<string>")["sourceReference"]
        self.assertEqual(sources.text(reference), "print('hi')\n")

    def test_text_that_is_not_known_is_refused(self):
        sources = Sources()
        reference = sources.of("<stdin>")["sourceReference"]
        for unknown in (reference, 999):
            with self.subTest(reference=unknown), self.assertRaises(LookupError):
                sources.text(unknown)


if __name__ == "__main__":
    unittest.main()
