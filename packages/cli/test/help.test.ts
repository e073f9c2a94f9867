/**
 * The first hour with the real binary: help with no arguments, `help <command>`, group help,
 * "did you mean" for typos, and command help that lists only the options that apply.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, main } from '../src/index.js';
import { runCli } from './helpers.js';

/** Option lines of a help text (`  --json   …`), by option name. */
const optionLines = (help: string, name: string) =>
  help.split('\n').filter((line) => new RegExp(`^\\s+(-\\w, )?--${name}(?=\\s|$)`).test(line));

describe('help', () => {
  it('no arguments: the help, exit 0 (not "No command given")', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Usage: composio-webhooks <command> [options]');
    expect(result.stdout).not.toContain('No command given');
    for (const name of ['send-test', 'listen', 'replay', 'doctor', 'help [command]']) {
      expect(result.stdout).toContain(`  ${name} `);
    }
  });

  it('"help" is the root help; "help <command>" is that command’s --help', async () => {
    expect((await runCli(['help'])).stdout).toBe((await runCli(['--help'])).stdout);
    for (const words of [['listen'], ['doctor'], ['replay'], ['subscription', 'set']]) {
      const viaHelp = await runCli(['help', ...words]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe((await runCli([...words, '--help'])).stdout);
      expect(viaHelp.stdout).toMatch(new RegExp(`^composio-webhooks ${words.join(' ')} — `));
    }
  });

  it('"subscription --help", "help subscription" and "subscription" show the subscription commands', async () => {
    const outputs = await Promise.all([
      runCli(['subscription', '--help']),
      runCli(['help', 'subscription']),
      runCli(['subscription']),
    ]);
    for (const result of outputs) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: composio-webhooks subscription <command> [options]');
      for (const name of ['get', 'list', 'set', 'update', 'delete', 'rotate-secret']) {
        expect(result.stdout).toContain(`  subscription ${name} `);
      }
      expect(result.stdout).not.toContain('send-test');
    }
  });

  it('send-test, listen, replay and doctor do not list --api-key / --base-url; API commands do', async () => {
    for (const command of ['send-test', 'listen', 'replay', 'doctor']) {
      const help = (await runCli([command, '--help'])).stdout;
      expect(help).not.toContain('--api-key');
      expect(help).not.toContain('--base-url');
      expect(optionLines(help, 'json')).toHaveLength(1);
    }
    for (const words of [['subscription', 'list'], ['event-types']]) {
      const help = (await runCli([...words, '--help'])).stdout;
      expect(optionLines(help, 'api-key')).toHaveLength(1);
      expect(optionLines(help, 'base-url')).toHaveLength(1);
    }
  });

  it('listen --help lists --json once, with its NDJSON meaning', async () => {
    const help = (await runCli(['listen', '--help'])).stdout;
    expect(optionLines(help, 'json')).toEqual([
      '  --json                       one JSON object per request (NDJSON)',
    ]);
    expect(help).toContain('--forward-to <url>');
    expect(help).toContain('--forward-secret <s>');
    expect(help).toContain('--record <file.jsonl>');
  });

  it('replay --help and doctor --help document their options', async () => {
    const replay = (await runCli(['replay', '--help'])).stdout;
    for (const option of ['--url', '--secret', '--id', '--rate', '--keep-ids', '--new-ids']) {
      expect(optionLines(replay, option.slice(2))).toHaveLength(1);
    }
    const doctor = (await runCli(['doctor', '--help'])).stdout;
    for (const option of ['--url', '--secret', '--secret-format', '--tolerance', '--max-body']) {
      expect(optionLines(doctor, option.slice(2))).toHaveLength(1);
    }
    expect(doctor).toContain('Exit code 0 only when every answer is as documented.');
  });
});

describe('did you mean', () => {
  it.each([
    [['lsten'], 'Unknown command "lsten". Did you mean "listen"?'],
    [['doctr', '--url', 'http://x'], 'Unknown command "doctr". Did you mean "doctor"?'],
    [['subscriptoin', 'list'], 'Unknown command "subscriptoin". Did you mean "subscription"?'],
    [
      ['subscription', 'lst'],
      'Unknown subscription command "lst": use get, list, set, update, delete or rotate-secret. Did you mean "list"?',
    ],
    [['help', 'replya'], 'Unknown command "replya". Did you mean "replay"?'],
    [
      ['send-test', '--secert', 's'],
      'Unknown option --secert for send-test. Did you mean --secret?',
    ],
    [
      ['listen', '--forward', 'x'],
      'Unknown option --forward for listen. Did you mean --forward-to?',
    ],
    [
      ['replay', 'f.jsonl', '--new-id'],
      'Unknown option --new-id for replay. Did you mean --new-ids?',
    ],
    // Two letters swapped is one slip of the fingers, not two edits.
    [['listen', '--prot', '3000'], 'Unknown option --prot for listen. Did you mean --port?'],
    [['listen', '--prot=3000'], 'Unknown option --prot for listen. Did you mean --port?'],
    // A long name with one dash reaches the parser as short options (-p -o -r -t).
    [['listen', '-port', '3000'], 'Unknown option -port for listen. Did you mean --port?'],
  ])('%j → exit 2: %s', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`error: ${message}`);
  });

  it('every option of every command: a swapped-letters typo is answered with the option', async () => {
    const typos: string[] = [];
    for (const command of COMMANDS) {
      for (const name of Object.keys(command.options).filter((n) => n.length >= 4)) {
        // Swap the 2nd and 3rd letters: --secret → --sceret, --forward-to → --fowrard-to.
        const typo = `${name[0]}${name[2]}${name[1]}${name.slice(3)}`;
        if (typo === name) continue;
        let stderr = '';
        const code = await main([...command.name.split(' '), `--${typo}`, 'x'], {
          stdout: { write: () => true },
          stderr: { write: (chunk: string) => (stderr += chunk) },
          env: {},
        });
        expect(code).toBe(2);
        if (!stderr.includes(`Did you mean --${name}?`))
          typos.push(`${command.name} --${typo}: ${stderr}`);
      }
    }
    expect(typos).toEqual([]);
  });

  it('nothing close: no suggestion', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: Unknown command "frobnicate".\n');
    expect(result.stderr).not.toContain('Did you mean');
  });

  it('a mistyped API option is not suggested where it does not apply', async () => {
    const result = await runCli(['send-test', '--api-kee', 'k']);
    expect(result.stderr).toContain('Unknown option --api-kee for send-test.');
    expect(result.stderr).not.toContain('Did you mean');
    const api = await runCli(['subscription', 'list', '--api-kee', 'k']);
    expect(api.stderr).toContain('Did you mean --api-key?');
  });
});
