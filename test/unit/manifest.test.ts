// package.json is the extension's manifest: check what VS Code relies on.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/cli';

interface Command {
  command: string;
  title?: string;
  category?: string;
  icon?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

suite('the extension manifest', () => {
  test('identity and entry points', () => {
    assert.equal(manifest.name, 'ftpy');
    assert.equal(manifest.displayName, 'Free-Threaded Python Debugger');
    assert.equal(manifest.engines.vscode, '^1.90.0');
    assert.equal(manifest.main, 'dist/extension.js');
    assert.equal(manifest.bin.ftpy, 'dist/cli.js');
  });

  test('activation on our commands (implicit), the ftpy debug type, and Python (for the interpreter in the status bar)', () => {
    for (const event of manifest.activationEvents as string[]) assert.match(event, /^(onDebugResolve:ftpy|onLanguage:python|workspaceContains:\*\*\/\*\.py)$/);
  });

  test('launch.json snippets: a file, a module, a read-only attach, each with attributes the debugger declares', () => {
    const debuggerEntry = manifest.contributes.debuggers[0];
    const snippets = debuggerEntry.configurationSnippets as { label: string; body: Record<string, unknown> }[];
    assert.deepEqual(
      snippets.map((snippet) => [snippet.body.request, Object.keys(snippet.body).filter((key) => ['program', 'module', 'processId'].includes(key))]),
      [
        ['launch', ['program']],
        ['launch', ['module']],
        ['attach', ['processId']],
      ],
    );
    for (const { label, body } of snippets) {
      assert.equal(body.type, 'ftpy', label);
      const declared = Object.keys(debuggerEntry.configurationAttributes[body.request as string].properties);
      for (const key of Object.keys(body).filter((key) => !['type', 'request', 'name'].includes(key)))
        assert.ok(declared.includes(key), `${label}: ${key} is a declared attribute`);
    }
  });

  test('every contributed command is registered by the extension', () => {
    const sources = fs
      .readdirSync(path.join(repoRoot, 'extension'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => fs.readFileSync(path.join(repoRoot, 'extension', file), 'utf8'))
      .join('\n');
    for (const { command } of manifest.contributes.commands as Command[]) {
      assert.ok(sources.includes(`'${command}'`), `${command} is registered in extension/`);
    }
  });

  test('limited support in untrusted workspaces, said in words; every setting described with its default', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.match(untrusted.description, /Restricted Mode/);
    for (const [name, setting] of Object.entries(
      manifest.contributes.configuration.properties as Record<string, { description?: string; default?: unknown }>,
    )) {
      assert.match(name, /^ftpy\./);
      assert.ok(setting.description, `${name} is described`);
      assert.notEqual(setting.default, undefined, `${name} has a default`);
    }
  });

  test('every command has a title and a category, and an icon where a menu shows it', () => {
    const commands = manifest.contributes.commands as Command[];
    const inMenus = new Set<string>();
    for (const [menu, items] of Object.entries(manifest.contributes.menus as Record<string, { command: string }[]>)) {
      if (menu !== 'commandPalette') for (const item of items) inMenus.add(item.command);
    }
    for (const command of commands) {
      assert.ok(command.title, `${command.command} has a title`);
      assert.equal(command.category, 'Free-Threaded Python', `${command.command} has the category`);
      if (inMenus.has(command.command)) assert.ok(command.icon, `${command.command} has an icon (it is in a menu)`);
    }
    const declared = new Set(commands.map((command) => command.command));
    for (const used of inMenus) assert.ok(declared.has(used), `${used} is declared`);
  });
});
