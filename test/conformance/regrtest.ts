// What a `python -m test -v MODULE` run reports: each test's outcome and the summary, parsed
// from its stdout (unittest's verbose lines and regrtest's closing lines go there; what
// threads print on failure goes to stderr and cannot split them).

export interface Report {
  /** Outcome by test id ("test.test_thread.LockTests.test_acquire"): ok, FAIL, ERROR, skipped, ... */
  outcomes: Map<string, string>;
  /** "Total tests: run=N failures=F skipped=S", or undefined when the run did not get that far. */
  total?: string;
  /** Tests run, from the total line. */
  run?: number;
  /** SUCCESS, FAILURE, NO TESTS RAN, ... */
  result?: string;
}

// unittest's verbose header: "test_x (test.mod.Class.test_x)", then " ... " or a newline and
// the docstring's first line; setUpClass and friends report as "setUpClass (test.mod.Class)".
const HEADER = /^(\w+) \(([\w.]+)\)(?= \.\.\. |\n)/gm;
// The status unittest writes once the test is done: after " ... " (and the time, for tests that
// print it), or alone on a line when the test printed in between.
const STATUS = /(?:\.\.\. (?:\d+\.\d+s )?|^)(ok|FAIL|ERROR|skipped|expected failure|unexpected success)\b/m;

export function parseReport(stdout: string): Report {
  const headers = [...stdout.matchAll(HEADER)];
  const outcomes = new Map<string, string>();
  headers.forEach((header, index) => {
    const [, name = '', id = ''] = header;
    const start = (header.index ?? 0) + header[0].length;
    const segment = stdout.slice(start, headers[index + 1]?.index ?? stdout.length);
    const key = id.endsWith(`.${name}`) ? id : `${name} (${id})`;
    outcomes.set(key, STATUS.exec(segment)?.[1] ?? 'no outcome');
  });
  const total = /^Total tests: (run=(\d+).*)$/m.exec(stdout);
  return {
    outcomes,
    total: total?.[1],
    run: total ? Number(total[2]) : undefined,
    result: /^Result: (.+)$/m.exec(stdout)?.[1]?.trim(),
  };
}

/** Tests whose outcome differs between two reports ("absent" where a report lacks the test). */
export function differences(expected: Report, actual: Report): { test: string; expected: string; actual: string }[] {
  const tests = new Set([...expected.outcomes.keys(), ...actual.outcomes.keys()]);
  return [...tests]
    .sort()
    .map((test) => ({ test, expected: expected.outcomes.get(test) ?? 'absent', actual: actual.outcomes.get(test) ?? 'absent' }))
    .filter((entry) => entry.expected !== entry.actual);
}
