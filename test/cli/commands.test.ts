// `unet --help` lists the commands from the table in src/cli/commands.ts without loading
// their modules: the table must say what the modules say.
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands, registerCommands } from '../../src/cli/commands.ts';

describe('the command table', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s: term and description match its module', async (name, entry) => {
    const program = new Command();
    (await entry.load()).register(program);
    const command = program.commands.find((c) => c.name() === name);
    expect(command).toBeDefined();
    expect(new Help().subcommandTerm(command!)).toBe(entry.term);
    expect(command!.description()).toBe(entry.description);
  });

  it('registers only the named command (and for help, only the list)', async () => {
    const one = new Command();
    await registerCommands(one, ['fmt', 'x.unet']);
    expect(one.commands.map((c) => c.name())).toEqual(['fmt']);
    expect(one.commands[0]!.options.length).toBeGreaterThan(0);

    const list = new Command();
    await registerCommands(list, ['--help']);
    expect(list.commands.map((c) => c.name())).toEqual(commands.map((c) => c.name));
    expect(list.helpInformation()).toContain('predict [options] <model> <images...>');
  });
});
