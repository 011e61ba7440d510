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
