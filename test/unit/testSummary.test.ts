// `npm test` closes on "ftpy: N passed, N failed, N skipped", summed from what every tier's runner counted.
import * as assert from 'node:assert/strict';

suite("npm test's closing count", () => {
  test("sums the counts each of a tier's runners appended, one JSON line each; a line cut short counts nothing", async () => {
    const { countsFrom } = await import('../../scripts/lib/tiers.mjs');
    const text = ['{"passed":22,"failed":0,"skipped":1}', '{"passed":2,"failed":3,"skipped":0}', '{"passed":5,"fai'].join('\n');
    assert.deepEqual(countsFrom(text), { passed: 24, failed: 3, skipped: 1 });
    assert.deepEqual(countsFrom(''), { passed: 0, failed: 0, skipped: 0 });
  });
});

suite("npm test's closing line and npm run test:repeat's report", () => {
  test('a tier that failed with no test failing (the check, or one past its limit) counts as one failure', async () => {
    const { closingLineOf } = await import('../../scripts/lib/tiers.mjs');
    const results = [
      { passed: false, counts: { passed: 0, failed: 0, skipped: 0 } },
      { passed: false, counts: { passed: 10, failed: 2, skipped: 1 } },
      { passed: true, counts: { passed: 5, failed: 0, skipped: 0 } },
    ];
    assert.equal(closingLineOf(results), 'ftpy: 15 passed, 3 failed, 1 skipped');
  });

  test('each test that failed at least once, with how many runs it failed in, most first; then how many runs passed', async () => {
    const { repeatReport } = await import('../../scripts/lib/repeat.mjs');
    const report = repeatReport([
      { seconds: 300.4, passed: true, failures: [], failedTiers: [] },
      { seconds: 310, passed: false, failures: ['DAP: faults a', 'e2e: panels b', 'DAP: faults a'], failedTiers: [] },
      { seconds: 290, passed: false, failures: ['e2e: panels b'], failedTiers: ['dap'] },
    ]);
    assert.equal(
      report,
      [
        '  run 1: PASS in 300 s',
        '  run 2: FAIL in 310 s (3 failure(s))',
        '  run 3: FAIL in 290 s (2 failure(s))',
        'failed at least once:',
        '  2 of 3: e2e: panels b',
        '  1 of 3: DAP: faults a',
        '  1 of 3: tier dap (no test failed in it)',
        'ftpy repeat: 1 of 3 runs passed',
      ].join('\n'),
    );
  });

  test('N must be a whole number of at least 1, with at most one tier after it', async () => {
    const { parseRepeatArgs } = await import('../../scripts/lib/repeat.mjs');
    assert.deepEqual(parseRepeatArgs(['10']), { count: 10, only: undefined });
    assert.deepEqual(parseRepeatArgs(['3', 'test:dap']), { count: 3, only: 'test:dap' });
    for (const wrong of [[], ['0'], ['2.5'], ['ten'], ['2', 'dap', 'e2e'], ['--fast', '2']])
      assert.throws(() => parseRepeatArgs(wrong), /usage: npm run test:repeat -- N \[tier\]/);
  });
});
