// How the person ran Paperboy, so that a message names a command they can type as it is. Set by the `paperboy`
// script at the root of the checkout (`./paperboy`, `paperboy` on PATH, `/opt/paperboy/paperboy`) and by
// bin/paperboy.js (`node bin/paperboy.js` in the container image); `paperboy` when neither ran (tests, the server in-process).

/** The command as it was typed, without arguments. */
export function paperboyCommand(): string {
  return process.env.PAPERBOY_COMMAND || 'paperboy';
}

/** A command line for a message, in backticks: `./paperboy serve`. */
export function commandLine(args: string): string {
  return `\`${paperboyCommand()} ${args}\``;
}
