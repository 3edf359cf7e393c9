// Corrupted memory images (seeded, reproducible): the reader returns a snapshot
// or throws its own InspectError, never anything else, and its work is bounded.
import * as assert from 'node:assert/strict';
import { testPython } from '../support/runtime';
import { fuzz, recordedImage, syntheticImage } from '../support/memoryFuzz';

suite('inspect: fuzzed memory images', () => {
  test('a synthetic 3.13t runtime image with corrupted words', () => {
    const image = syntheticImage();
    const outcome = fuzz(image.segments, image.runtime, 0x5eed, 1500);
    assert.ok(outcome.snapshots > 0 && outcome.errors > 0, JSON.stringify(outcome));
  });

  test('an image recorded from a live free-threaded process', async function () {
    this.timeout(120_000);
    const image = await recordedImage(testPython());
    const outcome = fuzz(image.segments, image.runtime, 0xf00d, 600);
    assert.ok(outcome.snapshots > 0 && outcome.errors > 0, JSON.stringify(outcome));
  });
});
