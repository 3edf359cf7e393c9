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

  test('activation only on our commands (implicit), the ftpy debug type and Python files (the language server)', () => {
    for (const event of manifest.activationEvents as string[]) assert.match(event, /^(onDebug\w*:ftpy|onLanguage:python)$/);
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
