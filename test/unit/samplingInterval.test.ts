import * as assert from 'node:assert/strict';
import { samplingInterval } from '../../debug-adapter/runtimeSampling';

suite('runtime sampling rate', () => {
  test('the asked rate while a sample is cheap', () => {
    assert.equal(samplingInterval(50, 0), 20);
    assert.equal(samplingInterval(50, 0.3), 20);
    assert.equal(samplingInterval(10, 1), 100);
  });

  test('large processes: spaced out to keep within 5% of a core, but at least once a second', () => {
    assert.equal(samplingInterval(50, 3), 60);
    assert.equal(samplingInterval(50, 20), 400);
    assert.equal(samplingInterval(50, 200), 1000);
  });
});
