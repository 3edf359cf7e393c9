import * as assert from 'node:assert/strict';
import type { RefcountAnatomy } from '../../debug-adapter/protocol';
import { refcountFields } from '../../extension/model/refcountFields';

const owned: RefcountAnatomy = {
  address: '0x7f00',
  type: 'list',
  ownerThreadId: 3,
  ownerName: 'worker',
  localCount: 2,
  sharedCount: -1,
  sharedFlags: { maybeWeakref: false, queued: true, merged: false },
  immortal: false,
  deferred: false,
  gcBits: ['tracked'],
  refcount: 1,
};

function values(anatomy: RefcountAnatomy, labels: string[]): (string | undefined)[] {
  const fields = refcountFields(anatomy);
  return labels.map((label) => fields.find((field) => field.label === label)?.value);
}

suite('refcount fields', () => {
  test('every field has a value and an explanation', () => {
    const fields = refcountFields(owned);
    assert.deepEqual(
      fields.map((field) => field.label),
      ['Object', 'Owner thread', 'Refcount', 'Local count', 'Shared count', 'Shared flags', 'Immortal', 'Deferred', 'GC bits'],
    );
    for (const field of fields) assert.ok(field.explanation.length > 20, `${field.label} is explained`);
    assert.deepEqual(values(owned, ['Owner thread', 'Shared count', 'Refcount', 'Shared flags', 'GC bits']), ['worker (3)', '-1', '1', 'queued', 'tracked']);
  });

  test('a merged object has no owner, an immortal one says so', () => {
    const merged = {
      ...owned,
      ownerThreadId: 0,
      ownerName: null,
      immortal: true,
      refcount: null,
      sharedFlags: { maybeWeakref: false, queued: false, merged: true },
      gcBits: [],
    };
    assert.deepEqual(values(merged, ['Owner thread', 'Immortal', 'Refcount', 'Shared flags', 'GC bits']), ['none', 'yes', 'immortal', 'merged', 'none']);
  });
});
