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

suite('refcount fields', () => {
  test('every field has a value and an explanation', () => {
    const fields = refcountFields(owned);
    assert.deepEqual(
      fields.map((field) => field.label),
      ['Object', 'Owner thread', 'Refcount', 'Local count', 'Shared count', 'Shared flags', 'Immortal', 'Deferred', 'GC bits'],
    );
    for (const field of fields) assert.ok(field.explanation.length > 20, `${field.label} is explained`);
    const value = (label: string) => fields.find((field) => field.label === label)?.value;
    assert.equal(value('Owner thread'), 'worker (3)');
    assert.equal(value('Shared count'), '-1');
    assert.equal(value('Refcount'), '1');
    assert.equal(value('Shared flags'), 'queued');
    assert.equal(value('GC bits'), 'tracked');
  });

  test('a merged object has no owner, an immortal one says so', () => {
    const fields = refcountFields({ ...owned, ownerThreadId: 0, ownerName: null, immortal: true, refcount: null, sharedFlags: { maybeWeakref: false, queued: false, merged: true }, gcBits: [] });
    const value = (label: string) => fields.find((field) => field.label === label)?.value;
    assert.equal(value('Owner thread'), 'none');
    assert.equal(value('Immortal'), 'yes');
    assert.equal(value('Refcount'), 'immortal');
    assert.equal(value('Shared flags'), 'merged');
    assert.equal(value('GC bits'), 'none');
  });
});
