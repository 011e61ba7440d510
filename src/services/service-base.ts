import type { Database } from '../db/database.js';

export interface ServiceOptions {
  db: Database;
  /** Who acts, stored in audit rows (the CLI passes --actor). */
  actor?: string;
  /** The clock, so tests can set it. */
  now?: () => Date;
}

/** What every service that writes audit rows holds: its database, its actor and its clock. */
export abstract class AuditedService {
  protected readonly db: Database;
  protected readonly actor: string;
  protected readonly now: () => Date;

  constructor(options: ServiceOptions) {
    this.db = options.db;
    this.actor = options.actor ?? 'library';
    this.now = options.now ?? (() => new Date());
  }
}
