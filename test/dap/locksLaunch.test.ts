import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DeadlockEventBody, LockInfo, LocksResponseBody } from '../../debug-adapter/protocol';
import { EXPECTED, nameLocks, readyLine, SCENARIOS, settle } from '../support/lockScenarios';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, ProgramOutput, Stops, startClient, topFrames } from '../support/dap';

const deadlock = fixture('locks_deadlock.py');
const waits = fixture('locks_waits.py');

async function locks(client: DebugClient): Promise<LocksResponseBody> {
  return (await client.customRequest('ftpy/locks', { stacks: true })).body as LocksResponseBody;
}

function lockById(view: LocksResponseBody, id: string): LockInfo {
  return defined(
    view.locks.find((lock) => lock.id === id),
    `lock ${id} in ${JSON.stringify(view.locks.map((lock) => lock.id))}`,
  );
}

/** What `said` reads in the program's output, once the program printed it. */
async function printed<T>(output: ProgramOutput, said: (text: string) => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 20_000; waited += 20) {
    const value = said(output.text);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no ${what} line in ${output.text}`);
}

/** What the fixture printed on its "FIXTURE {json}" line, once it printed it. */
function fixtureFacts<T>(output: ProgramOutput): Promise<T> {
  return printed(
    output,
    (text) => {
      const line = /^FIXTURE (.*)$/m.exec(text);
      return line ? (JSON.parse(line[1] as string) as T) : undefined;
    },
    'FIXTURE',
  );
}

interface DeadlockFacts {
  first: string;
  second: string;
  threads: { forward: number; backward: number; main: number };
  blockingAt: { forward: number; backward: number };
}

const site = (line: string) => ({ path: deadlock, line: marker(deadlock, line) });

suite('DAP: locks (trackLocks, and from memory by default)', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  for (const [variant, kinds] of [
    ['locks', ['Lock', 'Lock']],
    ['rlocks', ['RLock', 'RLock']],
    ['mixed', ['Lock', 'RLock']],
  ] as const) {
    test(`trackLocks: AB-BA deadlock with ${variant}: the session stops with reason 'deadlock', owners, waiters, sites and the cycle`, async () => {
      const stops = new Stops(client);
      const output = new ProgramOutput(client);
      await launchWithBreakpoints(client, launchArgs(deadlock, { args: [variant], trackLocks: true }));
      const stop = await stops.expect('deadlock');
      const stoppedAt = Date.now() / 1000;
      const facts = await fixtureFacts<DeadlockFacts>(output);
      const formed = Math.max(facts.blockingAt.forward, facts.blockingAt.backward);
      console.log(`      deadlock (${variant}) reported ${((stoppedAt - formed) * 1000).toFixed(0)} ms after the cycle formed`);
      assert.ok(stoppedAt - formed < 1, `reported ${stoppedAt - formed} s after the cycle formed`);
      assert.equal(stop.body.allThreadsStopped, true);
      const { forward, backward } = facts.threads;
      const view = await locks(client);
      assert.equal(view.source, 'agent+memory');
      const first = lockById(view, facts.first);
      const second = lockById(view, facts.second);
      assert.deepEqual(
        [first, second].map((lock) => [lock.kind, lock.owners, lock.waiters, lock.held, lock.ownerKnown]),
        [
          [kinds[0], [forward], [backward], true, true],
          [kinds[1], [backward], [forward], true, true],
        ],
      );
      assert.deepEqual(pick(first.acquiredAt?.[forward]), site('forward_takes'));
      assert.deepEqual(pick(first.awaitedAt?.[backward]), site('backward_awaits'));
      assert.deepEqual(pick(second.acquiredAt?.[backward]), site('backward_takes'));
      assert.deepEqual(pick(second.awaitedAt?.[forward]), site('forward_awaits'));
      assert.equal(first.awaitedAt?.[backward]?.function, 'backward');
      // Besides the two locks, memory shows the main thread in join(), parked on its thread's handle.
      const others = view.locks.filter((lock) => lock.id !== facts.first && lock.id !== facts.second);
      assert.deepEqual(
        others.map((lock) => [lock.kind, lock.waiters, lock.awaitedAt?.[facts.threads.main]?.function]),
        [['unknown', [facts.threads.main], 'Thread.join']],
      );
      const threads = new Map(view.threads.map((thread) => [thread.threadId, thread]));
      assert.deepEqual(
        [forward, backward].map((ident) => {
          const thread = defined(threads.get(ident), `thread ${ident}`);
          return [thread.name, thread.state, thread.holds, thread.waitsFor];
        }),
        [
          ['forward', 'blocked', [facts.first], facts.second],
          ['backward', 'blocked', [facts.second], facts.first],
        ],
      );
      const [low, high] = forward < backward ? [forward, backward] : [backward, forward];
      const waitsFor = (ident: number) => (ident === forward ? facts.second : facts.first);
      assert.equal(view.cycles.length, 1);
      const cycle = defined(view.cycles[0], 'the cycle');
      assert.deepEqual(cycle.edges, [
        { threadId: low, waitsFor: waitsFor(low), heldBy: high },
        { threadId: high, waitsFor: waitsFor(high), heldBy: low },
      ]);
      assert.equal(stop.body.description, cycle.description);
      for (const name of ['forward_takes', 'forward_awaits', 'backward_takes', 'backward_awaits']) {
        assert.match(cycle.description, new RegExp(`locks_deadlock\\.py:${marker(deadlock, name)}\\b`));
      }
      assert.equal(stop.body.threadId, view.threads.find((thread) => thread.threadId === low)?.nativeId);
    });
  }

  for (const variant of ['locks', 'rlocks', 'mixed']) {
    test(`default settings: an AB-BA deadlock with ${variant} in with blocks is found from memory, nothing of the program replaced`, async () => {
      const stops = new Stops(client);
      const output = new ProgramOutput(client);
      await launchWithBreakpoints(client, launchArgs(deadlock, { args: [variant] }));
      const stop = await stops.expect('deadlock');
      const stoppedAt = Date.now() / 1000;
      const facts = await fixtureFacts<DeadlockFacts>(output);
      console.log(
        `      deadlock (${variant}) from memory reported ${((stoppedAt - Math.max(facts.blockingAt.forward, facts.blockingAt.backward)) * 1000).toFixed(0)} ms after the cycle formed`,
      );
      const view = await locks(client);
      assert.equal(view.source, 'memory');
      assert.equal(view.cycles.length, 1);
      const cycle = defined(view.cycles[0], 'the cycle');
      assert.deepEqual(
        cycle.edges.map((edge) => [edge.threadId, edge.waitsFor, edge.heldBy]).sort(),
        [
          [facts.threads.backward, facts.first, facts.threads.forward],
          [facts.threads.forward, facts.second, facts.threads.backward],
        ].sort(),
      );
      assert.deepEqual(
        [facts.first, facts.second].map((id) => [lockById(view, id).ownerKnown, lockById(view, id).owners]),
        [
          [true, [facts.threads.forward]],
          [true, [facts.threads.backward]],
        ],
      );
      assert.equal(stop.body.description, cycle.description);
      assert.match(cycle.description, new RegExp(`locks_deadlock\\.py:${marker(deadlock, 'forward_awaits')}\\b`));
    });
  }

  test('stopAll false: a deadlock is announced (ftpy/deadlock event and a message), nothing stops', async () => {
    const stops = new Stops(client);
    const output = new ProgramOutput(client);
    let important = '';
    client.on('output', (message: DebugProtocol.OutputEvent) => {
      if (message.body.category === 'important') important += message.body.output;
    });
    const announced = client.waitForEvent('ftpy/deadlock', 10_000);
    await launchWithBreakpoints(client, launchArgs(deadlock, { args: ['locks'], stopAll: false }));
    const event = (await announced) as DebugProtocol.Event & { body: DeadlockEventBody };
    const facts = await fixtureFacts<DeadlockFacts>(output);
    assert.deepEqual(event.body.cycle.edges.map((edge: { waitsFor: string }) => edge.waitsFor).sort(), [facts.first, facts.second].sort());
    assert.match(important, /Deadlock: .*locks_deadlock\.py:\d+/);
    assert.equal(await stops.next(500), undefined);
  });

  test('trackLocks: Condition.wait, an exhausted Semaphore, Event.wait and a blocked queue.Queue.get', async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(waits, { trackLocks: true }), [{ path: waits, lines: [marker(waits, 'all_waiting')] }]);
    const stop = await stops.expect('breakpoint');
    const frame = defined((await topFrames(client, defined(stop.body.threadId, 'a thread')))[0], 'a frame');
    const idents = JSON.parse(await evaluate(client, frame.id, 'json.dumps(idents)').then(unquote)) as Record<string, number>;
    const ids = JSON.parse(await evaluate(client, frame.id, 'json.dumps(ids)').then(unquote)) as Record<string, string>;
    const main = Number(await evaluate(client, frame.id, 'threading.get_ident()'));
    const view = await locks(client);
    const at = (name: string) => ({ path: waits, line: marker(waits, name) });
    const summary = (id: string) => {
      const lock = lockById(view, defined(id, 'an id'));
      return { kind: lock.kind, owners: lock.owners, waiters: lock.waiters, count: lock.count };
    };
    assert.deepEqual(summary(ids.condition as string), { kind: 'Condition', owners: [main], waiters: [idents.condition_waiter], count: undefined });
    assert.deepEqual(pick(lockById(view, ids.condition as string).awaitedAt?.[String(idents.condition_waiter)]), at('condition_waits'));
    assert.deepEqual(pick(lockById(view, ids.condition as string).acquiredAt?.[String(main)]), at('main_takes'));
    assert.deepEqual(summary(ids.semaphore as string), { kind: 'Semaphore', owners: [idents.semaphore_holder], waiters: [idents.semaphore_waiter], count: 0 });
    assert.deepEqual(pick(lockById(view, ids.semaphore as string).acquiredAt?.[String(idents.semaphore_holder)]), at('semaphore_takes'));
    assert.deepEqual(pick(lockById(view, ids.semaphore as string).awaitedAt?.[String(idents.semaphore_waiter)]), at('semaphore_waits'));
    assert.deepEqual(summary(ids.release as string), { kind: 'Event', owners: [], waiters: [idents.semaphore_holder], count: undefined });
    assert.deepEqual(pick(lockById(view, ids.release as string).awaitedAt?.[String(idents.semaphore_holder)]), at('event_waits'));
    assert.deepEqual(summary(ids.jobs as string), { kind: 'Queue', owners: [], waiters: [idents.consumer], count: undefined });
    assert.deepEqual(pick(lockById(view, ids.jobs as string).awaitedAt?.[String(idents.consumer)]), at('queue_waits'));
    assert.equal(view.locks.length, 4, JSON.stringify(view.locks.map((lock) => [lock.kind, lock.id])));
    assert.deepEqual(view.cycles, []);
    const stack = lockById(view, ids.jobs as string).awaitedAt?.[String(idents.consumer)]?.stack ?? [];
    assert.deepEqual(
      stack.map((entry) => entry.function),
      ['consumer'],
    );
    const states = new Map(view.threads.map((thread) => [thread.threadId, thread.state]));
    assert.equal(states.get(main), 'stopped');
    assert.equal(states.get(idents.consumer as number), 'blocked');
  });

  // The scenarios the read-only attach test reads from memory alone, here with the agent's view merged in.
  for (const name of ['dict', 'import']) {
    test(`trackLocks: ${name} scenario: owners, waiters and cycles from a launch session`, async () => {
      const output = new ProgramOutput(client);
      await launchWithBreakpoints(client, launchArgs(SCENARIOS, { args: [name], trackLocks: true }));
      const said = await printed(output, readyLine, 'READY');
      const expected = defined(EXPECTED[name], `the expectation of ${name}`);
      assert.deepEqual(await settle(async () => nameLocks(said, await locks(client)), expected), expected);
      const view = await locks(client);
      assert.equal(view.source, 'agent+memory');
      assert.deepEqual(view.cycles, []);
    });
  }

  test("default settings: the program's lock types are threading's and queue's own", async () => {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(waits), [{ path: waits, lines: [marker(waits, 'all_waiting')] }]);
    const stop = await stops.expect('breakpoint');
    const frame = defined((await topFrames(client, defined(stop.body.threadId, 'a thread')))[0], 'a frame');
    assert.deepEqual(JSON.parse(unquote(await evaluate(client, frame.id, 'json.dumps(kinds)'))), {
      lock: '_thread.lock',
      condition: 'threading.Condition',
      jobs: 'queue.Queue',
    });
    const view = await locks(client);
    assert.equal(view.source, 'memory');
    assert.match(view.notes.join(' '), /trackLocks/);
    // From memory alone: the waiters are there, the owner of a plain Lock and every acquisition site are not.
    assert.ok(view.locks.length > 0);
    assert.deepEqual(
      view.locks.filter((lock) => lock.acquiredAt !== undefined || (lock.kind === 'Lock' && lock.ownerKnown)),
      [],
    );
  });
});

/** A site without its stack, to compare with a marker. */
function pick(lockSite: { path: string; line: number } | undefined): { path: string; line: number } | undefined {
  return lockSite && { path: lockSite.path, line: lockSite.line };
}

function unquote(result: string): string {
  return JSON.parse(result.replace(/^'(.*)'$/s, (_all, inner: string) => JSON.stringify(inner))) as string;
}
