// What a stuck test left running, for the harness: every process under a pid, and a report of
// them (ps, then `ftpy dump --locks` of each Python process, read from its memory).
// CommonJS: the test tiers (TypeScript compiled to CommonJS) and tiers.mjs both load it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

/**
 * The processes under `pid`, parents before their children.
 * @param {number} pid
 * @returns {number[]}
 */
function descendants(pid) {
  const listed = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  const children = listed
    .split('\n')
    .map(Number)
    .filter((child) => child > 0);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** ps of `pids`, then `ftpy dump --locks` of those that run Python. */
function processReport(pids) {
  const alive = pids.filter(isAlive);
  if (alive.length === 0) return 'no processes left\n';
  const table = spawnSync('ps', ['-o', 'pid,ppid,etime,args', '-p', alive.join(',')], { encoding: 'utf8' }).stdout ?? '';
  const dumps = alive.filter(runsPython).map((pid) => {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    const dump = spawnSync(process.execPath, [cli, 'dump', '--locks', String(pid)], { encoding: 'utf8', timeout: 30_000 });
    return `$ ftpy dump --locks ${pid}\n${dump.stdout ?? ''}${dump.stderr ?? ''}${dump.error ? `(${dump.error.message})\n` : ''}`;
  });
  return [table, ...dumps].join('\n');
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runsPython(pid) {
  try {
    return /^python/.test(path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]));
  } catch {
    return false; // it ended meanwhile
  }
}

module.exports = { descendants, processReport };
