// The memory reader on corrupted images, many more rounds than the unit tier runs: a snapshot
// or the reader's own error each time, never another exception, never unbounded work.
import { figures } from '../support/figures';
import { testPython } from '../support/runtime';
import { fuzz, Image, recordedImage, syntheticImage } from '../support/memoryFuzz';

const SEEDS = [0x1001, 0x2002, 0x3003, 0x4004];
const ROUNDS = 1000;

function fuzzCounted(image: Image, seed: number): void {
  figures.fuzzCases += ROUNDS;
  try {
    fuzz(image.segments, image.runtime, seed, ROUNDS);
  } catch (error) {
    figures.fuzzCrashes++;
    throw error;
  }
}

suite('stress: the memory reader on corrupted images', () => {
  for (const seed of SEEDS) {
    test(`synthetic image, seed 0x${seed.toString(16)}, ${ROUNDS} rounds`, () => fuzzCounted(syntheticImage(), seed));
  }

  test(`an image recorded from a live process, ${SEEDS.length} seeds x ${ROUNDS} rounds`, async () => {
    const image = await recordedImage(testPython());
    for (const seed of SEEDS) fuzzCounted(image, seed ^ 0xffff);
  });
});
