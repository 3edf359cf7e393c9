// The bytecode listing of a fixture compiled by the real free-threaded interpreter, checked
// against what CPython's own dis says about every instruction's line.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CompiledModule, compileSource } from '../../runtime/bytecode/compile';
import { CodeListing, formatLine, formatListing, listModule } from '../../runtime/bytecode/listing';
import { fixtures, repoRoot } from '../support/cli';
import { marker } from '../support/markers';
import { testPython } from '../support/runtime';

const file = path.join(fixtures, 'bytecode_listing.py');
const source = fs.readFileSync(file, 'utf8');

/** [qualname, offset, line] of every instruction, from dis (line -1 for None). */
const DIS_LINES = `
import dis, json, sys
def walk(code):
    yield code
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            yield from walk(const)
code = compile(open(sys.argv[1]).read(), sys.argv[1], "exec")
print(json.dumps([[c.co_qualname, i.offset, -1 if i.line_number is None else i.line_number] for c in walk(code) for i in dis.get_instructions(c)]))
`;

function listedLines(listings: CodeListing[]): [string, number, number][] {
  return listings.flatMap((listing) =>
    listing.groups.flatMap((group) =>
      group.entries.flatMap((entry) =>
        entry.instructions.map((instruction): [string, number, number] => [listing.code.qualname, instruction.offset, group.line ?? -1]),
      ),
    ),
  );
}

suite('bytecode listing', () => {
  let python: string;
  let module: CompiledModule;
  suiteSetup(async () => {
    python = testPython();
    module = await compileSource(python, file, source);
  });

  test('lists every instruction once, on the line dis gives it', () => {
    const expected = JSON.parse(execFileSync(python, ['-I', '-c', DIS_LINES, file], { encoding: 'utf8' })) as [string, number, number][];
    assert.deepEqual(listedLines(listModule(module)), expected);
    assert.ok(module.freeThreaded, 'compiled by the free-threaded build');
  });

  test("a loop's exit is grouped under the loop's line again, marked as a jump back", () => {
    const loop = marker(file, 'loop');
    const total = listModule(module).find((listing) => listing.code.qualname === 'total');
    assert.ok(total);
    const lines = total.groups.map((group) => group.line);
    assert.ok(lines.indexOf(loop) < lines.indexOf(marker(file, 'loop_body')), `the loop comes before its body: ${lines.join(',')}`);
    const back = total.groups.find((group) => group.jumpsBack);
    assert.equal(back?.line, loop);
    assert.ok(back.entries[0].lineDelta !== null && back.entries[0].lineDelta < 0, 'the entry encodes a negative line delta');
    assert.ok(
      back.entries.flatMap((entry) => entry.instructions).some((instruction) => instruction.opname === 'END_FOR'),
      'the loop exit is on the loop line',
    );
    const text = formatListing(module, [total], source);
    assert.match(text, new RegExp(`^line ${loop} ↩ +for i in range\\(n\\):`, 'm'));
    assert.match(text, /^ {2}entry \d+ \S+ {2}units \d+-\d+ {2}line -\d+ ↩/m);
  });

  test('the function at a line is listed with the code nested in it, and nothing else', () => {
    const listings = listModule(module, marker(file, 'generator'));
    assert.deepEqual(
      listings.map((listing) => listing.code.qualname),
      ['Shape.area', 'Shape.area.<locals>.<genexpr>'],
    );
    assert.deepEqual(
      listModule(module, marker(file, 'loop_body')).map((listing) => listing.code.qualname),
      ['total'],
    );
  });

  test("a line's bytecode, for a hover", () => {
    const text = formatLine(listModule(module), marker(file, 'first_statement'));
    assert.ok(text);
    assert.match(text, /^code total {2}\(line \d+, \d+ bytes\)$/m);
    assert.match(text, /^ +\d+ {2}LOAD_CONST +\d+ \(0\)$/m);
    assert.match(text, /^ +\d+ {2}STORE_FAST +\d+ \(t\)$/m);
    assert.equal(formatLine(listModule(module), 1), undefined, 'a comment line has no bytecode');
  });

  test('compiling never runs the code', async () => {
    const flag = path.join(os.tmpdir(), `ftpy-bytecode-ran-${process.pid}`);
    const compiled = await compileSource(python, 'writes.py', `open(${JSON.stringify(flag)}, "w").close()\n`);
    assert.ok(compiled.codes?.length);
    assert.ok(!fs.existsSync(flag), 'the module body did not run');
  });

  test('source that does not compile gives its SyntaxError', async () => {
    const broken = await compileSource(python, 'broken.py', 'import os\n\ndef f(:\n');
    assert.equal(broken.codes, undefined);
    assert.equal(broken.syntaxError?.line, 3);
    assert.match(formatListing(broken, listModule(broken)), /^SyntaxError: .* \(line 3, column \d+\)$/m);
  });

  test('the TextMate grammar gives every line of a listing a rule, and marks jumps back', () => {
    const grammar = JSON.parse(fs.readFileSync(path.join(repoRoot, 'syntaxes', 'ftpy-bytecode.tmLanguage.json'), 'utf8')) as {
      repository: Record<string, { match: string }>;
    };
    const rules = Object.entries(grammar.repository).map(([name, rule]) => [name, new RegExp(rule.match)] as const);
    const ruleOf = (line: string) => rules.find(([, pattern]) => pattern.test(line))?.[0];
    const lines = formatListing(module, listModule(module), source).split('\n').filter(Boolean);
    assert.deepEqual(
      lines.filter((line) => !ruleOf(line)),
      [],
      'lines no rule matches',
    );
    assert.ok(lines.filter((line) => ruleOf(line) === 'instruction').length >= listedLines(listModule(module)).length);
    const jumpBack = lines.find((line) => /^ {2}entry .* line -\d+ ↩/.test(line));
    assert.ok(jumpBack);
    assert.ok(new RegExp(grammar.repository.entry.match).exec(jumpBack)?.[5], 'the jump-back capture is set');
  });

  test('a missing interpreter, or one built with the GIL, is one clear error', async () => {
    await assert.rejects(compileSource('/no/such/python3.13t', file, source), {
      name: 'UserFacingError',
      message: /^Python interpreter not found: \/no\/such\/python3\.13t\. Choose/,
    });
    if (fs.existsSync('/usr/bin/python3')) {
      await assert.rejects(compileSource('/usr/bin/python3', file, source), {
        name: 'UserFacingError',
        message: /^\/usr\/bin\/python3 is Python 3\.\d+\.\d+ built with the GIL; ftpy needs a free-threaded build/,
      });
    }
  });
});
