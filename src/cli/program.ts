// What a program bundle offers (src/cli/programs/): its commands as loaders, of which main.ts
// registers only those the command word needs, and how it loads the database module. Each program
// decides what loads lazily: the full one defers every command and the database, the check-only
// one imports its command and the database module up front (each deferred module is one more
// chunk file to load); the command's own lazy imports (its services, the bulk reader) stay.
import type { Command } from '@commander-js/extra-typings';
import type { ContextProvider, DatabaseModule } from './context.js';

/** Adds a command (or some of a group's subcommands) to the program. */
export type Registrar = (program: Command<[], Record<string, unknown>>, ctx: ContextProvider) => void;

export type RegistrarLoader = () => Promise<Registrar>;

export interface Program {
  /** Every command, in the order of the help page (no command word, or an unknown one, needs them all). */
  commands: readonly RegistrarLoader[];
  /** The modules a command word needs; a group's subcommands may come from several modules. */
  byWord: Readonly<Record<string, readonly RegistrarLoader[]>>;
  /** Loads the database module, when a command first opens the database. */
  databaseModule: () => Promise<DatabaseModule>;
}
