export const USAGE = `ftpy: run and inspect free-threaded Python (PEP 703) with the GIL off.

Usage:
  ftpy run [--python PATH] [--gil off|on|default] FILE [ARGS...]
      Run FILE on the embedded free-threaded runtime (or PATH) with the GIL off
      (--gil default: the interpreter decides; on: GIL on). Extension modules that
      need the GIL are named at exit.
  ftpy runtime [--json]
      Provision the embedded runtime if needed; print its interpreter and version.
  ftpy dump [--json] [--locks] [--offsets PROBE_JSON] PID
      Print every thread's Python stack of a running free-threaded process, read
      from its memory without stopping it (--locks: and its locks: holders,
      waiters, deadlocks).
  ftpy interpreters [--json] [--workspace DIR]...
      List the free-threaded interpreters of this machine and where each came
      from (embedded, a workspace's .venv/venv, uv, pyenv, conda, PATH); those
      ftpy cannot use (GIL builds) are listed with the reason.
  ftpy --help | --version
`;

/** A mistake in how ftpy was called: reported as one line, exit code 2. */
export class UsageError extends Error {}
