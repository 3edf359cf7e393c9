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
});
