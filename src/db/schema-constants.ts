// Values the schema constrains, kept apart from schema.ts so that runtime code can use them
// without loading drizzle (schema.ts is for drizzle-kit and types).
export const SUPPRESSION_REASONS = [
  'existing_customer',
  'past_customer',
  'competitor',
  'partner',
  'do_not_contact',
  'bounced',
  'unsubscribed',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** Opt-outs (a person or a mail server said no): removing one or changing its reason needs --force. */
export const OPT_OUT_REASONS: readonly SuppressionReason[] = ['unsubscribed', 'do_not_contact', 'bounced'];

// Partners and competitors come in through an import's status value mapping: they are suppressed
// (reason partner/competitor) but are no buyers, so the buyer signals leave them out.
export const CUSTOMER_STATUSES = ['active', 'churned', 'partner', 'competitor'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/**
 * The client_id of the agency-wide list's audit rows (suppression_events): the agency list belongs
 * to no one client, and client_id stays in every key of the audit table so it can be distributed
 * by client (docs/scaling.md). No client can have it: ids are random v4 uuids.
 */
export const AGENCY_WIDE_CLIENT_ID = '00000000-0000-0000-0000-000000000000';
