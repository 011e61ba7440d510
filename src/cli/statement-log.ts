// AOS_STATEMENT_LOG=FILE: every statement this process sends to the database, appended to FILE as
// one JSON line ({ text, params }). For the statement routing test, which runs the built binary
// and reads what each command sent (test/service/statement-routing.test.ts); unset, nothing is
// loaded and nothing is observed.
import type { StatementObserver } from '../db/open.js';

export async function statementLog(file: string | undefined): Promise<StatementObserver | undefined> {
  if (!file) return undefined;
  const { appendFileSync } = await import('node:fs');
  return (text, params) => appendFileSync(file, `${JSON.stringify({ text, params })}\n`);
}
