// `ftpy profile`: the report added up from samples (pure, on made-up samples), and the sampler on
// a real program that measures its own waits (test/fixtures/wait_truth.py), checked against them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProfileArgs } from '../../cli/profile';
import type { ThreadWaitSample, WaitSample } from '../../runtime/inspect/waitSample';
import { ProfileReport, WaitProfile } from '../../runtime/profile/waitProfile';
import { fixtures, repoRoot, runFtpy } from '../support/cli';
import { marker } from '../support/markers';
import { testPython } from '../support/runtime';

const frame = (fn: string, file: string, line: number) => ({ function: fn, file, line, offset: 0 });
const APP = '/app/fill.py';
const THREADING = '/usr/lib/python3.13t/threading.py';

function thread(threadId: number, state: ThreadWaitSample['state'], extra: Partial<ThreadWaitSample> = {}): ThreadWaitSample {
  return { threadId, nativeId: 100 + threadId, name: `t${threadId}`, state, frames: [frame('fill', APP, 40), frame('main', APP, 60)], ...extra };
}

suite('ftpy profile: the report from samples', () => {
  /** 100 samples 1 ms apart: t1 parks on the lock at fill.py:41 in 40 of them; t2 runs; main joins; a pause in 3. */
  function profiled(): WaitProfile {
    const profile = new WaitProfile();
    const lock = { id: '0x1000', type: 'Lock' };
    for (let i = 0; i < 100; i++) {
      const sample: WaitSample = {
        time: 1000 + i,
        worldStopped: i >= 50 && i < 53,
        threads: [
          thread(1, i < 40 ? 'lock' : 'running', i < 40 ? { lock, frames: [frame('fill', APP, 41), frame('main', APP, 60)] } : {}),
          thread(2, i >= 50 && i < 53 ? 'gc' : 'running'),
          thread(3, 'waiting', { name: 'MainThread', frames: [frame('Thread.join', THREADING, 1100), frame('main', APP, 70)] }),
        ],
      };
      profile.add(sample);
    }
    profile.addTorn();
    return profile;
  }

  test('the verdict names the lock most thread time is lost to, with where it is waited for; a join is no loss', () => {
    const report: ProfileReport = profiled().report(42, new Map([['0x1000', "Lock 'hist_lock' at 0x1000"]]));
    assert.equal(report.verdict, "thread time spent on Lock 'hist_lock' at 0x1000 (fill.py:41): 20% (parked 20%)");
    assert.equal(report.samples, 100);
    assert.equal(report.torn, 1);
    const [lock] = report.locks;
    assert.deepEqual(lock?.sites, [{ site: 'fill.py:41', file: APP, line: 41, share: 1 }]);
    assert.equal(lock?.maxWaiters, 1);
    assert.equal(report.threads.find((t) => t.threadId === 1)?.states.lock, 0.4);
    assert.equal(report.threads.find((t) => t.threadId === 3)?.states.waiting, 1);
    // Thread time: t1 and t2 only (the main thread joins), 200 samples of 99/99 ms.
    assert.ok(Math.abs(report.threadTimeS - 0.2) < 1e-9, String(report.threadTimeS));
    assert.deepEqual(
      { count: report.pauses.count, gc: report.pauses.gc, maxMs: report.pauses.maxMs, triggers: report.pauses.triggers },
      { count: 1, gc: 1, maxMs: 3, triggers: [{ trigger: 'a collection', count: 1 }] },
    );
  });

  test('a pause no collection ran in: asked for by the function the one attached thread runs', () => {
    const profile = new WaitProfile();
    const frames = [frame('sys._current_frames', APP, 12), frame('main', APP, 60)];
    for (let i = 0; i < 10; i++) {
      const stopped = i >= 3 && i < 5;
      profile.add({
        time: i,
        worldStopped: stopped,
        threads: [thread(1, stopped ? 'stop-the-world' : 'running'), thread(2, 'running', stopped ? { frames } : {})],
      });
    }
    assert.deepEqual(profile.report(1).pauses.triggers, [{ trigger: 'sys._current_frames (fill.py:12)', count: 1 }]);
  });

  test('the collapsed stacks: thread first, outermost to innermost, the wait as a frame, a count', () => {
    const collapsed = profiled().collapsed(new Map([['0x1000', "Lock 'hist_lock' at 0x1000"]]));
    const lines = collapsed.trimEnd().split('\n');
    for (const line of lines) assert.match(line, /^[^;\n]+(;[^;\n]+)+ \d+$/, line);
    assert.ok(lines.includes("t1;main (fill.py:60);fill (fill.py:41);[wait lock Lock 'hist_lock' at 0x1000] 40"), collapsed);
    assert.ok(lines.includes('t2;main (fill.py:60);fill (fill.py:40) 97'), collapsed);
    const total = lines.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    assert.equal(total, 300, 'every thread of every sample once');
  });

  test('a lock no thread parks on: named by the `with` blocks that hold it; running at their `with` line is taking it', () => {
    const profile = new WaitProfile();
    const first = { id: '0x1000', type: 'Lock', file: APP, line: 41, name: 'hist_lock' };
    const second = { ...first, id: '0x2000' };
    const atWith = { frames: [frame('fill', APP, 41), frame('main', APP, 60)] };
    const inBody = { frames: [frame('fill', APP, 42), frame('main', APP, 60)] };
    // 100 samples: t2 at the `with` line throughout; t1 in the body holding the first lock from
    // sample 10 on (t2's first 10 samples there are counted once the lock taken there is known),
    // then the second lock (a new one, at the same line) from sample 60 on.
    for (let i = 0; i < 100; i++) {
      const held = i < 10 ? undefined : i < 60 ? first : second;
      profile.add({ time: i, worldStopped: false, threads: [thread(1, 'running', held ? { ...inBody, held } : atWith), thread(2, 'running', atWith)] });
    }
    const report = profile.report(1);
    assert.equal(report.verdict, "thread time spent on Lock 'hist_lock' at 0x1000 (fill.py:41): 60% (taking it 35%, holding it 25%)");
    const [one, two] = report.locks;
    assert.deepEqual(
      [one, two].map((lock) => ({ id: lock?.id, held: lock?.heldAt.map((site) => site.site), waited: lock?.sites.length })),
      [
        { id: '0x1000', held: ['fill.py:41'], waited: 0 },
        { id: '0x2000', held: ['fill.py:41'], waited: 0 },
      ],
    );
    assert.deepEqual(
      [one?.share, two?.share],
      [(10 + 10 + 50 + 50) / 200, (40 + 40) / 200],
      't1 at the line before holding, t2 at the line, t1 holding: each lock its own share',
    );
  });

  test("the verdict names the line most of the lock's time went to: a line it is taken at over a place it was parked at briefly", () => {
    const profile = new WaitProfile();
    const lock = { id: '0x1000', type: 'Lock' };
    const atWith = { frames: [frame('fill', APP, 47), frame('main', APP, 60)] };
    // A thread parks on the lock at fill.py:41 in 5 samples (then the lock is known to be taken
    // there); t2 runs at the `with` line fill.py:47, where t1 parked once, in all 100.
    for (let i = 0; i < 100; i++) {
      const t1 =
        i < 5
          ? thread(1, 'lock', { lock, frames: [frame('fill', APP, 41), frame('main', APP, 60)] })
          : i === 5
            ? thread(1, 'lock', { lock, ...atWith })
            : thread(1, 'waiting', { frames: [frame('Event.wait', THREADING, 600), frame('main', APP, 80)] });
      profile.add({ time: i, worldStopped: false, threads: [t1, thread(2, 'running', atWith)] });
    }
    const [report] = profile.report(1).locks;
    assert.deepEqual(
      report?.takenAt.map((site) => site.site),
      ['fill.py:47'],
    );
    assert.match(profile.report(1).verdict, /^thread time spent on Lock at 0x1000 \(fill\.py:47\): \d+% \(parked \d+%, taking it \d+%\)$/);
  });

  test('a thread whose ident was reused by a new thread is another thread', () => {
    const profile = new WaitProfile();
    profile.add({ time: 0, worldStopped: false, threads: [thread(1, 'running', { nativeId: 7, name: 'first' })] });
    profile.add({ time: 1, worldStopped: false, threads: [thread(1, 'running', { nativeId: 8, name: 'second' })] });
    assert.deepEqual(
      profile.report(1).threads.map((t) => [t.name, t.samples]),
      [
        ['first', 1],
        ['second', 1],
      ],
    );
  });

  test('no cause above 5% of the thread time: the verdict says none stands out', () => {
    const profile = new WaitProfile();
    for (let i = 0; i < 50; i++) profile.add({ time: i, worldStopped: false, threads: [thread(1, 'running'), thread(2, i === 0 ? 'sleep' : 'running')] });
    assert.equal(
      profile.report(1).verdict,
      'no lock or wait stands out: each is under 5% of the thread time; the most: thread time lost to sleep at fill.py:40: 1%',
    );
    const idle = new WaitProfile();
    idle.add({ time: 0, worldStopped: false, threads: [thread(1, 'running')] });
    assert.equal(idle.report(1).verdict, 'no lock or wait stands out: each is under 5% of the thread time');
  });

  test('arguments: a PID or a program after --, one output, rates and durations in range', () => {
    assert.deepEqual(parseProfileArgs(['--rate', '500', '1234']), {
      target: { pid: 1234 },
      durationS: undefined,
      rateHz: 500,
      output: 'text',
      python: undefined,
    });
    assert.deepEqual(parseProfileArgs(['--collapsed', '--', 'fill.py', '--threads', '2']).target, { file: 'fill.py', args: ['--threads', '2'] });
    const mistakes: [string[], RegExp][] = [
      [[], /missing PID/],
      [['12x'], /PID must be a positive integer, not "12x"/],
      [['--rate', '0', '12'], /--rate must be a number above 0 and at most 10000, not "0"/],
      [['--duration', 'soon', '12'], /--duration must be a number/],
      [['--json', '--collapsed', '12'], /choose one/],
      [['12', '--', 'fill.py'], /a PID or a program after --, not both/],
      [['--'], /which file\?/],
      [['--python', '/usr/bin/python3', '12'], /--python is for a program ftpy runs/],
      [['--colour', '12'], /unknown option '--colour'/],
    ];
    for (const [args, message] of mistakes) assert.throws(() => parseProfileArgs(args), message, args.join(' '));
  });
});

suite('ftpy profile on a real program', () => {
  test("a program's own measure of its lock waits and sleeps: the profile agrees within 10 points; the lock is named and its line found", async function () {
    this.timeout(120_000);
    const program = path.join(fixtures, 'wait_truth.py');
    const run = await runFtpy(['profile', '--json', '--python', testPython(), '--', program, '2']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as ProfileReport;
    const measured = JSON.parse(run.stderr.trim().split('\n').pop() ?? '{}') as Record<string, { acquire_s: number; sleep_s: number; total_s: number }>;
    /** Sampling error at ~1000 samples a thread is a few points; a loaded machine stretches both sides alike. */
    const TOLERANCE = 0.1;
    for (const name of ['worker-1', 'worker-2']) {
      const truth = measured[name];
      const profiled = report.threads.find((candidate) => candidate.name === name);
      assert.ok(truth && profiled, `${name}: ${run.stderr}`);
      const expected = { lock: truth.acquire_s / truth.total_s, sleep: truth.sleep_s / truth.total_s };
      assert.ok(Math.abs(profiled.states.lock - expected.lock) <= TOLERANCE, `${name} lock: profiled ${profiled.states.lock}, measured ${expected.lock}`);
      assert.ok(Math.abs(profiled.states.sleep - expected.sleep) <= TOLERANCE, `${name} sleep: profiled ${profiled.states.sleep}, measured ${expected.sleep}`);
    }
    const [lock] = report.locks;
    assert.match(lock?.label ?? '', /^Lock 'ledger_lock' at 0x/, JSON.stringify(report.locks));
    assert.equal(lock?.sites[0]?.site, `wait_truth.py:${marker(program, 'ledger')}`);
    assert.ok(report.samples > 100 && report.torn < report.samples / 10, `${report.samples} samples, ${report.torn} torn`);
  });

  test('--collapsed on a real program: every line parses as the collapsed-stack format; lock waits are frames of their own', async function () {
    this.timeout(120_000);
    const program = path.join(fixtures, 'wait_truth.py');
    const run = await runFtpy(['profile', '--collapsed', '--python', testPython(), '--', program, '1']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) assert.match(line, /^[^;\n]+(;[^;\n]+)* [1-9]\d*$/, line);
    const waits = lines.filter((line) => /;\[wait lock Lock 'ledger_lock' at 0x[0-9a-f]+\] \d+$/.test(line));
    assert.ok(
      waits.some((line) => line.startsWith('worker-1;')),
      run.stdout,
    );
  });

  test('examples/histogram.py: the shared lock is the verdict, at its `with` line, and is absent with per-thread histograms', async function () {
    this.timeout(120_000);
    const program = path.join(repoRoot, 'examples', 'histogram.py');
    const withLine =
      fs
        .readFileSync(program, 'utf8')
        .split('\n')
        .findIndex((line) => line.trim() === 'with lock:') + 1;
    const profiled = async (strategy: string) => {
      const run = await runFtpy(['profile', '--json', '--python', testPython(), '--', program, '--strategy', strategy, '--threads', '2', '--events', '100000']);
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as ProfileReport;
    };
    const shared = await profiled('shared');
    // Above 5% of the thread time on a quiet machine (9 to 19% seen); on a loaded one the two workers
    // rarely run at once and rarely contend: the verdict then names it as the largest cause still.
    // Named by its holder's local when a sample caught it held (a short run on a loaded machine may not).
    assert.match(shared.verdict, new RegExp(`thread time spent on Lock( 'lock')? at 0x[0-9a-f]+ \\(histogram\\.py:${withLine}\\)`), shared.verdict);
    const [top] = shared.locks;
    assert.ok(
      [...(top?.heldAt ?? []), ...(top?.takenAt ?? [])].some((site) => site.site === `histogram.py:${withLine}`),
      JSON.stringify(top),
    );
    const perThread = await profiled('per-thread');
    const inProgram = perThread.locks.filter((lock) => [...lock.sites, ...lock.heldAt].some((site) => site.file === program));
    assert.deepEqual(inProgram, [], 'no lock of the program');
    assert.doesNotMatch(perThread.verdict, /Lock .*histogram\.py/, perThread.verdict);
  });
});
