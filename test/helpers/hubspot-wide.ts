// A HubSpot companies export with "all properties" (≥ 300 columns), as a portal with custom
// properties writes it: every field quoted, HubSpot's own property labels, then the portal's custom
// properties. Generated here rather than committed: 300 columns of mostly empty cells.

// HubSpot's default company properties (their export labels).
const HUBSPOT_COMPANY_PROPERTIES = [
  'Record ID', 'Company name', 'Company Domain Name', 'Website URL', 'Industry', 'Number of Employees', 'Lifecycle Stage',
  'Create Date', 'Annual Revenue', 'About Us', 'Associated Contact', 'Associated Deal', 'Became a Customer Date',
  'Became a Lead Date', 'Became a Marketing Qualified Lead Date', 'Became a Sales Qualified Lead Date',
  'Became a Subscriber Date', 'Became an Evangelist Date', 'Became an Opportunity Date', 'Became an Other Lifecycle Date',
  'City', 'Close Date', 'Company Domain Name (secondary)', 'Company owner', 'Country/Region', 'Days to Close',
  'Description', 'Facebook Company Page', 'Facebook Fans', 'First Contact Create Date', 'First Deal Created Date',
  'First Conversion', 'First Conversion Date', 'Google Plus Page', 'HubSpot Team', 'Industry group', 'Is Public',
  'Last Activity Date', 'Last Contacted', 'Last Engagement Date', 'Last Modified Date', 'Last Meeting Booked',
  'Last Meeting Booked Campaign', 'Last Meeting Booked Medium', 'Last Meeting Booked Source', 'Last Open Task Date',
  'Latest Source', 'Latest Source Data 1', 'Latest Source Data 2', 'Latest Source Timestamp', 'Lead Status',
  'LinkedIn Bio', 'LinkedIn Company Page', 'Next Activity Date', 'Number of Associated Contacts',
  'Number of Associated Deals', 'Number of Form Submissions', 'Number of Pageviews', 'Number of Sessions',
  'Number of times contacted', 'Original Source Type', 'Original Source Data 1', 'Original Source Data 2', 'Owner Assigned Date',
  'Phone Number', 'Postal Code', 'Primary Company', 'Recent Conversion', 'Recent Conversion Date', 'Recent Deal Amount',
  'Recent Deal Close Date', 'Recent Sales Email Clicked Date', 'Recent Sales Email Opened Date',
  'Recent Sales Email Replied Date', 'Sales Email Last Replied', 'State/Region', 'Street Address', 'Street Address 2',
  'Target Account', 'Time First Seen', 'Time Last Seen', 'Time Zone', 'Total Money Raised', 'Total Revenue',
  'Twitter Bio', 'Twitter Followers', 'Twitter Handle', 'Type', 'Web Technologies', 'Year Founded', 'Ideal Customer Profile Tier',
  'Parent Company', 'Child Companies', 'Logo URL', 'Company Keywords', 'Currency', 'Time in Lead', 'Time in Customer',
  'Time in Opportunity', 'Cumulative time in "Customer (Sales Pipeline)"', 'Date entered "Customer (Sales Pipeline)"',
  'Date exited "Lead (Sales Pipeline)"', 'Latest Traffic Source', 'Latest Traffic Source Date', 'Marketing emails opened',
  'Marketing emails clicked', 'Marketing emails bounced', 'Email Domain',
];

export function hubspotWideHeaders(): string[] {
  const custom = Array.from({ length: 320 - HUBSPOT_COMPANY_PROPERTIES.length }, (_, i) => `Custom: Onboarding checklist item ${i + 1} (internal)`);
  return [...HUBSPOT_COMPANY_PROPERTIES, ...custom];
}

export interface WideCompany {
  name: string;
  domain: string;
  website: string;
  stage: string;
}

/** The export: the companies given, every other property empty or plausibly filled. */
export function hubspotWideCsv(companies: readonly WideCompany[]): string {
  const headers = hubspotWideHeaders();
  const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
  const lines = [headers.map(quote).join(',')];
  companies.forEach((c, n) => {
    const values: Record<string, string> = {
      'Record ID': String(7700000 + n),
      'Company name': c.name,
      'Company Domain Name': c.domain,
      'Website URL': c.website,
      'Lifecycle Stage': c.stage,
      'Create Date': '2023-04-05 10:00',
      'Recent Sales Email Replied Date': n % 2 === 0 ? '2024-06-01 08:30' : '',
      'LinkedIn Company Page': `https://www.linkedin.com/company/${c.name.toLowerCase().replace(/[^a-z]+/g, '-')}`,
      'Facebook Company Page': `https://www.facebook.com/${c.name.toLowerCase().replace(/[^a-z]+/g, '')}`,
      'Logo URL': `https://cdn.example-cdn.com/logos/${n}.png`,
      'Twitter Handle': `@${c.name.toLowerCase().replace(/[^a-z]+/g, '')}`,
      'Marketing emails opened': String(n * 3),
      'Email Domain': 'gmail.com',
      Currency: 'AUD',
    };
    lines.push(headers.map((h) => quote(values[h] ?? '')).join(','));
  });
  return `${lines.join('\n')}\n`;
}
