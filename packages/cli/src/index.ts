/**
 * Programmatic entry of the `composio-webhooks` CLI: `main(argv, io)` runs a command in-process
 * and resolves with its exit code.
 */
export { COMMANDS, main, rootHelp } from './main.js';
export type { CliIo, OutStream } from './output.js';
