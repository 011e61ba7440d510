// One way to build a service: `new XService({ db, actor?, now?, …its own options })`, the same for
// the library and the CLI (which builds every service through CliContext.service).
import type { Database } from '../db/database.js';

export interface ServiceOptions {
  db: Database;
  /** Who acts, stored in audit rows (the CLI passes --actor). */
  actor?: string | undefined;
  /** The clock, so tests can set it. */
  now?: (() => Date) | undefined;
}

/** A service class, as the CLI builds it: the shared options and the service's own. */
export type ServiceClass<S, Own extends object = object> = new (options: ServiceOptions & Own) => S;

/** What every service holds: its database, its actor and its clock. */
export abstract class Service {
  protected readonly db: Database;
  protected readonly actor: string;
  protected readonly now: () => Date;

  constructor(options: ServiceOptions) {
    this.db = options.db;
    this.actor = options.actor ?? 'library';
    this.now = options.now ?? (() => new Date());
  }

  /** The options of another service acting for this one: the same database, actor and clock. */
  protected get shared(): Required<ServiceOptions> {
    return { db: this.db, actor: this.actor, now: this.now };
  }
}

/** A database handle given where the options are expected (a service's older form, `new X(db)`). */
export function isDatabase(options: ServiceOptions | Database): options is Database {
  return typeof (options as Partial<Database>).run === 'function';
}
