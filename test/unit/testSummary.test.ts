// `npm test` closes on "ftpy: N passed, N failed, N skipped", summed from every tier's mocha epilogue.
import * as assert from 'node:assert/strict';

suite("npm test's closing count", () => {
  test('sums every epilogue in a tier, ignoring lines that only look alike', async () => {
    const { mochaCounts } = await import('../../scripts/lib/tiers.mjs');
    const output = [
      '  suite',
      '    ✔ 3 passing threads are named (12ms)',
      '',
      '  22 passing (49s)',
      '  1 pending',
      '',
      '  2 passing (1s)',
      '  3 failing',
      '',
      '  1) suite',
      '       test:',
    ].join('\n');
    assert.deepEqual(mochaCounts(output), { passed: 24, failed: 3, skipped: 1 });
  });

  test('a tier without an epilogue counts nothing', async () => {
    const { mochaCounts } = await import('../../scripts/lib/tiers.mjs');
    assert.deepEqual(mochaCounts('tsc: done\n'), { passed: 0, failed: 0, skipped: 0 });
  });

  test("the agent tier's unittest report: ran, failures, errors and skips, whatever the order of its outcome", async () => {
    const { unittestCounts } = await import('../../scripts/lib/tiers.mjs');
    const failedRun = ['test_a (test_x.A.test_a) ... ok', 'Ran 2 tests in the loop ... FAILED (failures=9)', '-'.repeat(70), 'Ran 12 tests in 0.031s', '', 'FAILED (failures=2, errors=1, skipped=3, expected failures=1)'].join('\n');
    assert.deepEqual(unittestCounts(failedRun), { passed: 5, failed: 3, skipped: 4 });
    assert.deepEqual(unittestCounts('Ran 25 tests in 0.020s\n\nOK\n'), { passed: 25, failed: 0, skipped: 0 });
    assert.deepEqual(unittestCounts('Ran 4 tests in 1.5s\n\nOK (skipped=1)\n'), { passed: 3, failed: 0, skipped: 1 });
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
    for (const wrong of [[], ['0'], ['2.5'], ['ten'], ['2', 'dap', 'e2e'], ['--fast', '2']]) assert.throws(() => parseRepeatArgs(wrong), /usage: npm run test:repeat -- N \[tier\]/);
  });
});
