// Stack traces asked for together are fetched together: a UI asks for every thread's stack at
// each stop, and one message to the agent for all of them costs far less than one each (on a
// busy machine every round trip waits for the scheduler in three processes).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { StackTraceAnswer, StackTraceBody } from '../runtime/agent/protocol';
import { AgentError } from '../runtime/debuggee/agentChannel';

interface Pending {
  args: DebugProtocol.StackTraceArguments;
  resolve(body: StackTraceBody): void;
  reject(error: unknown): void;
}

export class StackTraceBatcher {
  private pending: Pending[] = [];

  /** `fetch` answers a batch of requests in one agent request, one answer per request, in order. */
  constructor(private readonly fetch: (requests: DebugProtocol.StackTraceArguments[]) => Promise<StackTraceAnswer[]>) {}

  /** A thread's stack, fetched with the other requests that arrive in the same turn of the event loop. */
  stackTrace(args: DebugProtocol.StackTraceArguments): Promise<StackTraceBody> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ args, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      const answers = await this.fetch(batch.map((entry) => entry.args));
      batch.forEach((entry, index) => {
        const answer = answers[index];
        if (answer && 'body' in answer) entry.resolve(answer.body);
        else entry.reject(new AgentError(answer?.error ?? 'The debugger gave no stack for this thread.'));
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }
}
