// Child processes for the scripts: one place that turns a failed command into
// one clear error, and that keeps stdout free for what the user must read.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs a command to completion; its output goes to our stderr, or to `logFile`
 * (whose tail is shown on failure). Rejects with a message naming the command.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string>, logFile?: string }} [options]
 * @returns {Promise<void>}
 */
export function run(command, args, { cwd, env, logFile } = {}) {
  return new Promise((resolve, reject) => {
    const log = logFile ? openPrivateLog(logFile) : 2;
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (logFile) fs.closeSync(log);
      if (code === 0) return resolve();
      const tail = logFile ? `\n--- last lines of ${logFile} ---\n${lastLines(logFile, 30)}` : '';
      reject(new Error(`\`${[command, ...args].join(' ')}\` failed (${signal ?? `exit ${code}`})${tail}`));
    });
  });
}

/**
 * Runs a command and returns its stdout; rejects (with its stderr) when it fails.
 * `showProgress` passes the command's stderr through live instead.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string, string>, showProgress?: boolean }} [options]
 * @returns {Promise<string>}
 */
export function capture(command, args, { cwd, env, showProgress = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', showProgress ? 'inherit' : 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`\`${[command, ...args].join(' ')}\` failed (exit ${code})${stderr ? `: ${stderr.trim()}` : ''}`)),
    );
  });
}

/**
 * Opens a log of the scripts (appended to, or emptied first with `truncate`) as ftpy's own logs
 * are: a 0600 file (one found wider is closed to others) in a folder created 0700, never
 * written through a link planted under its name.
 */
export function openPrivateLog(logFile, { truncate = false } = {}) {
  fs.mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
  const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_APPEND, O_TRUNC } = fs.constants;
  const fd = fs.openSync(logFile, O_WRONLY | O_CREAT | O_NOFOLLOW | (truncate ? O_TRUNC : O_APPEND), 0o600);
  fs.fchmodSync(fd, 0o600);
  return fd;
}

function lastLines(file, count) {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}
