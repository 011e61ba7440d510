// Deterministic CRM-like CSV rows for tests and benchmarks (seeded, no randomness between runs):
// mixed-case URLs, www and shop subdomains, free-mail contacts (every 10th), quoted commas,
// currency deal values, optional duplicates and bad rows.
export function* customerCsvLines(count: number, options: { seed?: number; duplicateEvery?: number; badEvery?: number } = {}): Generator<string> {
  let state = options.seed ?? 42;
  const rand = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const industries = ['Construction', 'Healthcare', 'Retail', 'Hospitality', 'Legal', 'Real Estate'];
  const services = ['SEO', 'PPC', 'Social', 'Web Design', 'Email'];
  const tlds = ['com', 'com.au', 'co.uk', 'io', 'co.nz'];
  yield 'Company,Website,Contact Email,Contact Name,Industry,Deal Size,Status,Customer Since,Services';
  for (let i = 0; i < count; i++) {
    const n = options.duplicateEvery && i % options.duplicateEvery === options.duplicateEvery - 1 ? i - 1 : i;
    const tld = tlds[n % tlds.length] as string;
    const domain = `company${n}.${tld}`;
    const website =
      n % 5 === 4 ? `https://shop.${domain}/Products?ref=crm` : n % 3 === 0 ? `https://www.${domain}/about` : n % 3 === 1 ? domain.toUpperCase() : `www.${domain}`;
    const email = n % 10 === 0 ? `owner${n}@gmail.com` : `contact${n}@${domain}`;
    const deal = n % 4 === 0 ? `"$${(1000 + Math.floor(rand() * 20000)).toLocaleString('en')}.00"` : String(500 + Math.floor(rand() * 9000));
    const status = n % 7 === 0 ? 'churned' : 'active';
    const month = String(1 + (n % 12)).padStart(2, '0');
    const svc = `"${services[n % 5]}; ${services[(n + 2) % 5]}"`;
    const bad = options.badEvery && i % options.badEvery === options.badEvery - 1;
    yield `"Company ${n}, Ltd",${bad ? 'not a domain!' : website},${email},Person ${n},${industries[n % industries.length]},${deal},${status},2023-${month}-15,${svc}`;
  }
}

export function customerCsv(count: number, options: Parameters<typeof customerCsvLines>[1] = {}): string {
  return `${[...customerCsvLines(count, options)].join('\n')}\n`;
}

/** Targets for bulk-check benchmarks: domains, URLs and emails, some of them suppressed. */
export function* checkTargetLines(count: number, suppressedDomains: number): Generator<string> {
  for (let i = 0; i < count; i++) {
    const n = (i * 7919) % (suppressedDomains * 4); // a quarter of them fall on suppressed domains
    const tld = ['com', 'com.au', 'co.uk', 'io', 'co.nz'][n % 5] as string;
    const kind = i % 3;
    yield kind === 0 ? `company${n}.${tld}` : kind === 1 ? `https://www.company${n}.${tld}/pricing` : `lead${i}@company${n}.${tld}`;
  }
}
