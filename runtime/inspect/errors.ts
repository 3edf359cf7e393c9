// Every failure of the memory reader, typed once. `kind` says what went wrong;
// `message` is one user-facing sentence that says what to do.

export type InspectErrorKind =
  | 'no-such-process'
  | 'permission-denied'
  | 'not-python'
  | 'unsupported-version'
  | 'unsupported-build'
  | 'bad-elf'
  | 'bad-debug-offsets'
  // A read hit unmapped memory or data that cannot be what it claims to be:
  // expected while the target runs truly in parallel with the reader.
  | 'torn-read'
  | 'io-error'
  // Reading other processes' memory is off (FTPY_PROCESS_MEMORY=off), as where no /proc is.
  | 'memory-off';

export class InspectError extends Error {
  constructor(
    readonly kind: InspectErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'InspectError';
  }
}

export function isInspectError(error: unknown, kind?: InspectErrorKind): error is InspectError {
  return error instanceof InspectError && (kind === undefined || error.kind === kind);
}

/** Data read from the target that fails a sanity check. */
export function tornRead(what: string): InspectError {
  return new InspectError('torn-read', `inconsistent memory while reading ${what} (the process changed it meanwhile)`);
}

/** Why a process cannot be inspected, from the errno of a /proc file access. */
export function processAccessError(pid: number, error: unknown): InspectError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ESRCH') {
    return new InspectError('no-such-process', `no such process: ${pid}`);
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new InspectError(
      'permission-denied',
      `permission denied reading the memory of process ${pid}: ptrace read access is needed ` +
        '(run as the same user with /proc/sys/kernel/yama/ptrace_scope = 0, or as root / with CAP_SYS_PTRACE)',
    );
  }
  return new InspectError('io-error', `cannot read process ${pid}: ${(error as Error).message}`);
}
