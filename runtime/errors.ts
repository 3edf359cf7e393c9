// One error taxonomy for everything below the extension: a UserFacingError carries a message
// written for the user (what is wrong and what to do) and, optionally, the action that fixes it.
// Anything else that escapes is an internal error.

export type FixAction = 'selectInterpreter' | 'installRuntime' | 'openLog';

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly action?: FixAction,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
