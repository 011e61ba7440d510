// The mapping an import proposes for a header row: the automatic one, what this client's last
// import of the same header set confirmed over it, and the request's own choices over both.
import {
  autoMapColumns,
  findHeader,
  IMPORT_FIELDS,
  isImportField,
  isMultiColumnField,
  setColumnsOf,
  setDomainColumns,
  type ColumnMapping,
  type ImportField,
} from '../../domain/column-mapping.js';
import { printable } from '../../domain/targets.js';
import { AosError } from '../../errors.js';
import type { RememberedMapping } from './remembered-mapping.js';
import type { ImportSettings, MappingOrigin, MappingProposal } from './types.js';

export interface ProposalInput {
  headers: string[];
  samples: string[][];
  remembered: RememberedMapping | null;
  /** The request's field → header name(s), or null to skip the field. */
  overrides: Record<string, string | string[] | null>;
  /** Settings given with the request. */
  given: Partial<ImportSettings>;
}

export function proposeMapping(p: ProposalInput): MappingProposal {
  const mapping = autoMapColumns(p.headers, p.samples);
  const origin = Object.fromEntries(IMPORT_FIELDS.map((f) => [f, mapping[f] === null ? 'none' : 'auto'])) as Record<ImportField, MappingOrigin>;
  if (p.remembered) applyRemembered(mapping, origin, p.headers, p.remembered);
  for (const [field, header] of Object.entries(p.overrides)) applyOverride(mapping, origin, p.headers, field, header);
  // A fallback promoted to primary by a removal above.
  if (mapping.domain === null && mapping.domainFallbacks.length > 0) setDomainColumns(mapping, mapping.domainFallbacks);
  if (mapping.contact_email === null && mapping.moreEmails.length > 0) setColumnsOf(mapping, 'contact_email', mapping.moreEmails);
  const settings: ImportSettings = {
    dateFormat: p.given.dateFormat !== undefined ? p.given.dateFormat : (p.remembered?.date_format ?? null),
    statusMap: { ...(p.remembered?.status_map ?? {}), ...(p.given.statusMap ?? {}) },
    delimiter: p.given.delimiter ?? p.remembered?.delimiter ?? null,
    encoding: p.given.encoding ?? p.remembered?.encoding ?? null,
  };
  return { headers: p.headers, mapping, origin, samples: p.samples, remembered: p.remembered !== null, settings };
}

function applyRemembered(mapping: ColumnMapping, origin: Record<ImportField, MappingOrigin>, headers: readonly string[], remembered: RememberedMapping): void {
  for (const field of IMPORT_FIELDS) {
    const names = remembered.fields[field];
    const indexes = (names === undefined ? [] : Array.isArray(names) ? names : [names]).map((n) => findHeader(headers, n)).filter((i) => i >= 0);
    setColumnsOf(mapping, field, indexes);
    origin[field] = indexes.length > 0 ? 'remembered' : 'none';
  }
}

function applyOverride(
  mapping: ColumnMapping,
  origin: Record<ImportField, MappingOrigin>,
  headers: readonly string[],
  field: string,
  header: string | string[] | null,
): void {
  if (!isImportField(field)) {
    throw new AosError('usage', `unknown field "${printable(field)}" in the mapping`, `fields: ${IMPORT_FIELDS.join(', ')}`);
  }
  const names = header === null ? [] : (Array.isArray(header) ? header : [header]).filter((h) => h !== '');
  if (names.length > 1 && !isMultiColumnField(field)) {
    throw new AosError('usage', `only domain and contact_email take several columns (${field} was given ${names.length})`, 'for example: {mapOverrides} domain="Company Domain Name" {mapOverrides} domain="Website URL"');
  }
  const indexes = names.map((name) => {
    const index = findHeader(headers, name);
    if (index < 0) {
      throw new AosError('usage', `the file has no column "${printable(name)}" (for ${field})`, `its columns are: ${headers.map((h) => printable(h, 40)).join(', ')}`);
    }
    return index;
  });
  // A header feeds one field: an explicit choice takes it away from any other field.
  for (const index of indexes) {
    for (const other of IMPORT_FIELDS) if (mapping[other] === index && origin[other] !== 'explicit') mapping[other] = null;
    if (origin.domain !== 'explicit') mapping.domainFallbacks = mapping.domainFallbacks.filter((i) => i !== index);
    if (origin.contact_email !== 'explicit') mapping.moreEmails = mapping.moreEmails.filter((i) => i !== index);
    mapping.moreDomains = mapping.moreDomains.filter((i) => i !== index);
  }
  setColumnsOf(mapping, field, indexes);
  origin[field] = 'explicit';
}
