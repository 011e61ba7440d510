// A file saved without its header line: its first customer would be read as the column names, and
// a mapping by those names (`--map domain=acme.com.au`) would import every row but that customer.
import { autoMapColumns, fieldOfColumn } from './column-mapping.js';
import { parseTarget } from './targets.js';

const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i;

/** Whether a cell reads as a website or domain (a URL, www., or a name that parses as a domain). */
function readsAsDomain(cell: string): boolean {
  const p = parseTarget(cell);
  return p.ok && p.target.kind === 'domain';
}

/**
 * The first header cell that is a customer's value rather than a column's name, or null: an email
 * address, a URL, or a domain whose column holds domains below it (a header never looks like the
 * values it names, and a name the column matcher knows is a header: `Account.Website` parses as a
 * domain, .website being a TLD).
 */
export function headerCellReadingAsData(headers: readonly string[], samples: readonly (readonly string[])[]): { cell: string; what: string } | null {
  for (const [i, raw] of headers.entries()) {
    const cell = raw.trim();
    if (cell === '') continue;
    const p = parseTarget(cell);
    if (!p.ok) continue;
    if (p.target.kind === 'email') return { cell, what: 'an email address' };
    if (URL_LIKE.test(cell)) return { cell, what: 'a website' };
    // A name the column matcher knows (`Account.Website`, whose .website is a TLD) names a column.
    if (fieldOfColumn(autoMapColumns([cell]), 0) !== null) continue;
    const below = samples.map((row) => (row[i] ?? '').trim()).filter((v) => v !== '');
    if (below.length > 0 && below.filter(readsAsDomain).length * 2 >= below.length) return { cell, what: 'a domain, like the values below it' };
  }
  return null;
}
