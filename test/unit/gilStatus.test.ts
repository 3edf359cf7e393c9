import * as assert from 'node:assert/strict';
import { gilStatus, pythonLabel } from '../../extension/model/gilStatus';

suite('GIL status', () => {
  test('the label is the minor version with the free-threading t', () => {
    assert.equal(pythonLabel('3.13.5'), '3.13t');
    assert.equal(pythonLabel('3.14.0'), '3.14t');
  });

  test('GIL off: the plain label, no warning', () => {
    const status = gilStatus('3.13.5', false, []);
    assert.equal(status.text, '3.13t · GIL off');
    assert.equal(status.warning, false);
  });

  test('re-enabled by an import: a warning naming the module, with what to do', () => {
    const status = gilStatus('3.13.5', true, [{ time: Date.UTC(2026, 0, 1, 12), enabled: true, module: 'legacy_ext' }]);
    assert.equal(status.text, 'GIL on (re-enabled by legacy_ext)');
    assert.equal(status.warning, true);
    assert.match(status.explanation, /importing legacy_ext turned the GIL back on/);
    assert.match(status.explanation, /"gil": "off"/);
  });

  test('kept off by the launch configuration although a module asked for it: a warning naming the module and its import', () => {
    const status = gilStatus('3.13.5', false, [{ time: 1, enabled: false, forcedOff: true, module: 'legacy_ext', importer: 'app.py:3' }]);
    assert.equal(status.text, '3.13t · GIL off (forced for legacy_ext)');
    assert.equal(status.warning, true);
    assert.match(status.explanation, /legacy_ext \(imported at app.py:3\)/);
  });

  test('on from the start (no change seen) is no warning, and says how to turn it off', () => {
    const status = gilStatus('3.13.5', true, []);
    assert.equal(status.text, '3.13t · GIL on');
    assert.equal(status.warning, false);
    assert.match(status.explanation, /"gil": "off"/);
  });

  test('the last re-enabling change names the module; an unknown module is said so', () => {
    const status = gilStatus('3.13.5', true, [
      { time: 1, enabled: true, module: 'first' },
      { time: 2, enabled: false },
      { time: 3, enabled: true },
    ]);
    assert.equal(status.text, 'GIL on (re-enabled by an extension module)');
  });
});
