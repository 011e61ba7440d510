// The full program: every command, each module loaded only when its command runs (compiling
// every other command's module would cost each start), the database module when one is opened.
import type { Program } from '../program.js';
import { run as runProgram } from '../main.js';

const db = () => import('../commands/db.js').then((m) => m.registerDbCommands);
const clients = () => import('../commands/clients.js').then((m) => m.registerClientsCommands);
const suppress = () => import('../commands/suppress.js').then((m) => m.registerSuppressCommands);
const suppressWho = () => import('../commands/suppress-who.js').then((m) => m.registerSuppressWhoCommand);
const expiry = () => import('../commands/expiry.js').then((m) => m.registerExpiryCommands);
const check = () => import('../commands/check.js').then((m) => m.registerCheckCommand);
const importFile = () => import('../commands/import.js').then((m) => m.registerImportCommand);
const imports = () => import('../commands/imports.js').then((m) => m.registerImportsCommands);
const customers = () => import('../commands/customers.js').then((m) => m.registerCustomersCommands);
const signals = () => import('../commands/signals.js').then((m) => m.registerSignalsCommands);

export const ALL_COMMANDS: Program = {
  commands: [db, clients, suppress, suppressWho, expiry, check, importFile, imports, customers, signals],
  byWord: {
    db: [db],
    clients: [clients, expiry],
    suppress: [suppress, suppressWho, expiry],
    check: [check],
    import: [importFile],
    imports: [imports],
    customers: [customers],
    signals: [signals],
  },
  databaseModule: () => import('../../db/open.js'),
};

export const run = (argv: string[]): Promise<void> => runProgram(argv, ALL_COMMANDS);
