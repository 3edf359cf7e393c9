// Runs `ftpy dump` as its own process for the tests (before cli/main.ts wires it):
// node --require tsx/cjs test/unit/dumpEntry.ts [dump args]
import { dumpCommand } from '../../cli/dump';

dumpCommand(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
