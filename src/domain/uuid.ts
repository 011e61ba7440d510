// The canonical text form of a UUID, the id of every row (clients, customers, import runs): a
// reference in this form is looked up by id, and a company name in it is a CRM's record id.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 8-4-4-4-12 hex digits, in either case (PostgreSQL prints ids in lower case). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
