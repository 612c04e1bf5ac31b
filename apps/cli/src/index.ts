/**
 * `nu`: Nucleus from a terminal. The command definitions and the in-process runner, for tests
 * and for generating the CLI reference.
 *
 * @packageDocumentation
 */
export { COMMANDS, helpText, run } from "./cli.js";
export type { Command, Context } from "./command.js";
export type { Io } from "./output.js";
