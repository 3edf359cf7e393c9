import * as assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { defined, evaluate, fixture, launchArgs, launchWithBreakpoints, marker, Stops, startClient, threadNamed, topFrames } from '../support/dap';

const program = fixture('dap_stepping.py');
const line = (name: string) => marker(program, name);

suite('DAP: disassembly and instruction stepping', () => {
  let client: DebugClient;
  setup(async () => (client = await startClient()));
  teardown(() => client.stop());

  async function top(threadId: number): Promise<DebugProtocol.StackFrame> {
    return defined((await topFrames(client, threadId))[0], 'a frame');
  }

  async function instructions(reference: string, instructionOffset: number, instructionCount: number): Promise<DebugProtocol.DisassembledInstruction[]> {
    return (await client.customRequest('disassemble', { memoryReference: reference, instructionOffset, instructionCount })).body.instructions;
  }

  async function stopIn(marker: string): Promise<[Stops, number]> {
    const stops = new Stops(client);
    await launchWithBreakpoints(client, launchArgs(program), [{ path: program, lines: [line(marker)] }]);
    return [stops, defined((await stops.expect('breakpoint')).body.threadId, 'a thread')];
  }

  test('capabilities announce disassembly, stepping granularity and instruction breakpoints', async () => {
    const capabilities = (await client.initializeRequest()).body;
    assert.equal(capabilities?.supportsDisassembleRequest, true);
    assert.equal(capabilities?.supportsSteppingGranularity, true);
    assert.equal(capabilities?.supportsInstructionBreakpoints, true);
  });

  test('every frame has an instruction pointer; disassemble lists the function around it', async () => {
    const [, threadId] = await stopIn('inner_first');
    const frames = await topFrames(client, threadId);
    assert.deepEqual(frames.map((frame) => frame.name).slice(0, 2), ['inner', 'outer']);
    for (const frame of frames) assert.match(defined(frame.instructionPointerReference, `${frame.name}'s instruction`), /^0x[0-9a-f]{16}$/);
    const [inner, outer] = frames.map((frame) => defined(frame.instructionPointerReference, 'a reference'));

    const [current] = await instructions(defined(inner, 'inner'), 0, 1);
    assert.equal(current?.address, inner, 'the instruction at the reference has the reference as address');
    assert.equal(current?.line, line('inner_first'));
    assert.equal(current?.location?.path, program);
    const [call] = await instructions(defined(outer, 'outer'), 0, 1);
    assert.match(defined(call?.instruction, 'the caller instruction'), /^CALL/, 'a caller stands at its call');
    assert.equal(call?.line, line('outer_call'));

    // Asked for more than the function holds: exactly as many entries, invalid ones outside it, addresses ascending.
    const listing = await instructions(defined(inner, 'inner'), -40, 100);
    assert.equal(listing.length, 100);
    const valid = listing.filter((instruction) => instruction.presentationHint !== 'invalid');
    assert.ok(valid.length > 5 && valid.length < 100, `${valid.length} instructions in inner`);
    assert.equal(valid[0]?.symbol, 'inner', 'the first instruction names its function');
    assert.ok(listing.some((instruction) => instruction.presentationHint === 'invalid'));
    const addresses = listing.map((instruction) => BigInt(instruction.address));
    assert.ok(
      addresses.every((address, i) => i === 0 || address > defined(addresses[i - 1], 'previous')),
      'addresses ascend',
    );
    // inner's lines: its `def` (RESUME) just above the first marker, then the two marked lines.
    const def = line('inner_first') - 1;
    assert.deepEqual(new Set(valid.map((instruction) => instruction.line)), new Set([def, line('inner_first'), line('inner_return')]));

    const spinner = await threadNamed(client, 'spinner');
    const spinnerFrames = (await topFrames(client, spinner)).filter((frame) => frame.presentationHint !== 'label');
    assert.ok(spinnerFrames.length > 0 && spinnerFrames.every((frame) => frame.instructionPointerReference), 'a thread outside the agent has them too');
    await client.customRequest('disassemble', { memoryReference: '0xzz', instructionCount: 1 }).then(
      () => assert.fail('a bad reference was accepted'),
      (error: Error) => assert.match(error.message, /not an address/),
    );
  });

  test('next by instruction walks the listing one instruction at a time into the next line', async () => {
    const [stops, threadId] = await stopIn('inner_first');
    let reference = defined((await top(threadId)).instructionPointerReference, 'a reference');
    const seenLines = new Set<number>();
    for (let step = 0; step < 12 && !seenLines.has(line('inner_return')); step++) {
      const [, expected] = await instructions(reference, 0, 2);
      await client.nextRequest({ threadId, granularity: 'instruction' });
      const stop = await stops.expect('step');
      assert.equal(stop.body.threadId, threadId);
      const frame = await top(threadId);
      assert.equal(frame.name, 'inner');
      reference = defined(frame.instructionPointerReference, 'a reference');
      assert.equal(reference, expected?.address, `step ${step} went to the next instruction`);
      seenLines.add(frame.line);
    }
    assert.deepEqual([...seenLines].sort(), [line('inner_first'), line('inner_return')].sort());
  });

  test('stepIn by instruction enters the called function; stepOut by instruction returns to the caller', async () => {
    const [stops, threadId] = await stopIn('outer_call');
    let frame = await top(threadId);
    for (let step = 0; step < 15 && frame.name === 'outer'; step++) {
      await client.stepInRequest({ threadId, granularity: 'instruction' });
      await stops.expect('step');
      frame = await top(threadId);
    }
    assert.equal(frame.name, 'inner', 'instruction steps reach the callee');
    assert.equal(await evaluate(client, frame.id, 'x'), '1');
    await client.stepOutRequest({ threadId, granularity: 'instruction' });
    await stops.expect('step');
    assert.equal((await top(threadId)).name, 'outer');
    await evaluate(client, (await top(threadId)).id, 'finished.set()');
  });

  test('an instruction breakpoint stops its thread at that instruction', async () => {
    const [stops, threadId] = await stopIn('inner_first');
    const reference = defined((await top(threadId)).instructionPointerReference, 'a reference');
    const listing = await instructions(reference, 0, 20);
    const target = defined(
      listing.find((instruction) => instruction.line === line('inner_return')),
      'an instruction of the return line',
    );
    const offset = Number(BigInt(target.address) - BigInt(reference));
    const placed = (
      await client.customRequest('setInstructionBreakpoints', {
        breakpoints: [{ instructionReference: reference, offset }, { instructionReference: '0x7fffffff00000000' }],
      })
    ).body.breakpoints as DebugProtocol.Breakpoint[];
    assert.deepEqual(
      placed.map((breakpoint) => [breakpoint.verified, breakpoint.instructionReference]),
      [
        [true, target.address],
        [false, undefined],
      ],
    );
    await client.continueRequest({ threadId });
    const stop = await stops.expect('instruction breakpoint');
    assert.equal(stop.body.threadId, threadId);
    assert.deepEqual(stop.body.hitBreakpointIds, [placed[0]?.id]);
    const frame = await top(threadId);
    assert.deepEqual([frame.name, frame.line, frame.instructionPointerReference], ['inner', line('inner_return'), target.address]);
    await evaluate(client, frame.id, 'finished.set()');
  });
});
