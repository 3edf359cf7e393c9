// Stopped events as they arrive at the client, with their arrival time on the monotonic clock
// the debuggee's time.monotonic_ns() also reads (CLOCK_MONOTONIC), for stop latencies.
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export interface ArrivedStop {
  event: DebugProtocol.StoppedEvent;
  /** process.hrtime.bigint() when it arrived. */
  at: bigint;
}

export class StopQueue {
  private readonly queued: ArrivedStop[] = [];
  private wake?: () => void;
  count = 0;

  constructor(client: DebugClient) {
    client.on('stopped', (event: DebugProtocol.StoppedEvent) => {
      this.queued.push({ event, at: process.hrtime.bigint() });
      this.count++;
      this.wake?.();
    });
  }

  /** The next stop, or undefined after `quietMs` without one. */
  async next(quietMs: number): Promise<ArrivedStop | undefined> {
    if (this.queued.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, quietMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.queued.shift();
  }

  /** The stops queued now, without waiting. */
  drain(): ArrivedStop[] {
    return this.queued.splice(0);
  }
}
