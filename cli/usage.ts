export const USAGE = `ftpy: run and inspect free-threaded Python (PEP 703) with the GIL off.

Usage:
  ftpy run [--python PATH] [--gil off|on|default] FILE [ARGS...]
      Run FILE on the embedded free-threaded runtime (or PATH) with the GIL off
      (--gil default: the interpreter decides; on: GIL on). Extension modules that
      need the GIL are named at exit.
  ftpy runtime [--json] [--source auto|debian|python.org] [--version 3.13|3.13.5]
               [--mirror URL] [--install-build-tools]
      Provision the embedded runtime if needed; print its interpreter and version.
      auto: Debian's source package, else python.org's release tarball (checked
      against its pinned SHA-256; --mirror or FTPY_PYTHON_MIRROR for a mirror).
      --install-build-tools: as root, install the compiler and headers it lacks.
  ftpy dump [--json] [--locks] [--offsets PROBE_JSON] PID
      Print every thread's Python stack of a running free-threaded process, read
      from its memory without stopping it (--locks: and its locks: holders,
      waiters, deadlocks).
  ftpy profile [--duration S] [--rate HZ] [--json | --collapsed] PID | -- FILE [ARGS...]
      Why the threads do not scale: sample what every thread does (running, waiting
      on which lock and where, sleeping, in I/O, paused for a stop-the-world) from
      outside, without stopping or changing the program (default 1000 Hz; a PID for
      10 s, a program ftpy runs with the GIL off until it ends; its output goes to
      stderr). Prints a verdict and tables, the report as JSON, or collapsed stacks
      for flame-graph tools (speedscope, flamegraph.pl).
  ftpy interpreters [--json] [--workspace DIR]...
      List the free-threaded interpreters of this machine and where each came
      from (embedded, a workspace's .venv/venv, uv, pyenv, conda, PATH); those
      ftpy cannot use (GIL builds) are listed with the reason.
  ftpy --help | --version
`;

/** A mistake in how ftpy was called: reported as one line, exit code 2. */
export class UsageError extends Error {}
