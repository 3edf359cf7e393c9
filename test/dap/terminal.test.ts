import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { RawClient, startAdapterServer } from '../support/rawClient';
import { launchArgs } from '../support/dap';

suite('DAP: console integratedTerminal', () => {
  test('the program runs in the client terminal; its exit code is reported', async () => {
    const { server, socketPath } = await startAdapterServer();
    let socket: net.Socket | undefined;
    let client: RawClient | undefined;
    try {
      socket = net.createConnection(socketPath);
      client = new RawClient(socket);
      await client.request('initialize', {
        adapterID: 'ftpy',
        supportsRunInTerminalRequest: true,
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      const code = 'import sys, threading\nprint("in the terminal", sys._is_gil_enabled())\nsys.exit(5)\n';
      const launched = await client.request('launch', launchArgs(undefined, { code, console: 'integratedTerminal' }));
      assert.equal(launched.success, true, launched.message);
      await client.event('initialized');
      await client.request('configurationDone', {});
      const exited = await client.event('exited');
      assert.equal(exited.body.exitCode, 5);
      await client.event('terminated');
      assert.match(client.terminalOutput, /in the terminal False/);
    } finally {
      client?.terminal?.kill();
      socket?.destroy();
      server.kill();
    }
  });
});
