// The breakpoints and exception filters the client set, kept so that the program a `restart`
// starts gets them again (the client does not send them again), and the breakpoint ids the
// client knows: the agent numbers breakpoints afresh in every program, so the adapter gives
// the client its own ids and keeps them across restarts.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AgentCommands } from '../runtime/agent/protocol';

type Configuring = 'setBreakpoints' | 'setFunctionBreakpoints' | 'setExceptionBreakpoints';
/** Sends a request to the current program's agent. */
export type SendToAgent = <C extends Configuring>(command: C, args: AgentCommands[C][0]) => Promise<AgentCommands[C][1]>;

/** One set of breakpoints as the client asked for it, and the ids the client was given for them. */
interface BreakpointSet<A> {
  args: A;
  clientIds: (number | undefined)[];
}

export class ClientConfiguration {
  private readonly lineBreakpoints = new Map<string, BreakpointSet<AgentCommands['setBreakpoints'][0]>>();
  private functionBreakpoints?: BreakpointSet<AgentCommands['setFunctionBreakpoints'][0]>;
  private exceptionFilters?: AgentCommands['setExceptionBreakpoints'][0];
  /** The current program's breakpoint ids -> the client's. */
  private readonly clientIdOf = new Map<number, number>();
  private nextClientId = 1;

  async setBreakpoints(send: SendToAgent, args: AgentCommands['setBreakpoints'][0]): Promise<AgentCommands['setBreakpoints'][1]> {
    const answer = await send('setBreakpoints', args);
    const set = { args, clientIds: [] };
    this.lineBreakpoints.set(args.path, set);
    return { breakpoints: this.forClient(answer.breakpoints, set) };
  }

  async setFunctionBreakpoints(send: SendToAgent, args: AgentCommands['setFunctionBreakpoints'][0]): Promise<AgentCommands['setFunctionBreakpoints'][1]> {
    const answer = await send('setFunctionBreakpoints', args);
    this.functionBreakpoints = { args, clientIds: [] };
    return { breakpoints: this.forClient(answer.breakpoints, this.functionBreakpoints) };
  }

  async setExceptionBreakpoints(send: SendToAgent, args: AgentCommands['setExceptionBreakpoints'][0]): Promise<AgentCommands['setExceptionBreakpoints'][1]> {
    const answer = await send('setExceptionBreakpoints', args);
    this.exceptionFilters = args;
    return answer;
  }

  /** Sets everything again in a new program; the breakpoints' new states, under the ids the client knows (for `breakpoint` events). */
  async replay(send: SendToAgent): Promise<DebugProtocol.Breakpoint[]> {
    this.clientIdOf.clear();
    const known = new Set([...this.lineBreakpoints.values(), this.functionBreakpoints].flatMap((set) => set?.clientIds ?? []));
    const replayed: DebugProtocol.Breakpoint[] = [];
    for (const set of this.lineBreakpoints.values()) replayed.push(...this.forClient((await send('setBreakpoints', set.args)).breakpoints, set));
    if (this.functionBreakpoints)
      replayed.push(...this.forClient((await send('setFunctionBreakpoints', this.functionBreakpoints.args)).breakpoints, this.functionBreakpoints));
    if (this.exceptionFilters) await send('setExceptionBreakpoints', this.exceptionFilters);
    return replayed.filter((breakpoint) => known.has(breakpoint.id));
  }

  /** The ids of a stopped event's breakpoints, as the client knows them. */
  clientIds(agentIds: readonly number[]): number[] {
    return agentIds.map((id) => this.clientIdOf.get(id) ?? id);
  }

  /** The agent's answer for a set, with the client's ids: the ones it already has for the same places (after a restart), new ones otherwise. */
  private forClient<A>(breakpoints: readonly DebugProtocol.Breakpoint[], set: BreakpointSet<A>): DebugProtocol.Breakpoint[] {
    return breakpoints.map((breakpoint, index) => {
      const known = set.clientIds[index];
      if (breakpoint.id === undefined) return known === undefined ? breakpoint : { ...breakpoint, id: known }; // now unverified
      const clientId = known ?? this.nextClientId++;
      set.clientIds[index] = clientId;
      this.clientIdOf.set(breakpoint.id, clientId);
      return { ...breakpoint, id: clientId };
    });
  }
}
