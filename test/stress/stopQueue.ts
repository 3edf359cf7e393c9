// Stopped events as they arrive at the client, with their arrival time on the monotonic clock
// the debuggee's time.monotonic_ns() also reads (CLOCK_MONOTONIC), for stop latencies.
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Arrivals } from '../support/arrivals';

export interface ArrivedStop {
  event: DebugProtocol.StoppedEvent;
  /** process.hrtime.bigint() when it arrived. */
  at: bigint;
}

export class StopQueue extends Arrivals<ArrivedStop> {
  count = 0;

  constructor(client: DebugClient) {
    super();
    client.on('stopped', (event: DebugProtocol.StoppedEvent) => {
      this.push({ event, at: process.hrtime.bigint() });
      this.count++;
    });
  }
}
