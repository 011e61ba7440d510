// How the CLI spells the library's option names in error messages: as the flags a person types.
import type { Spelling } from '../errors.js';

/** Options whose flag is not simply --kebab-case of the option name. */
const FLAGS: Record<string, string> = {
  targets: '--file PATH',
  client: '--client SLUG',
  search: '--search TEXT',
  mapping: '--map / --mapping-file',
  url: '--database-url / DATABASE_URL',
  waitSeconds: '--wait SECONDS',
  mapOverrides: '--map',
  defaultStatus: '--status',
  onReject: '--rejects PATH',
  allowMassChurn: '--yes --force',
  sourceName: '--source',
};

export const CLI_SPELLING: Spelling = {
  option: (name) => FLAGS[name] ?? `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  command: (words, options = []) => `\`aos ${[words, ...options].join(' ')}\``,
};
