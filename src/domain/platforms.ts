// Hosts that carry pages of many companies (SPEC §2): "facebook.com/joesplumbing" names a page,
// not a company, so it is never a company domain, never a suppression entry, and a column of
// them is never a website column.
const PLATFORMS = new Set([
  'facebook.com', 'fb.com', 'fb.me', 'instagram.com', 'linkedin.com', 'lnkd.in', 'twitter.com', 'x.com', 't.co',
  'youtube.com', 'youtu.be', 'tiktok.com', 'pinterest.com', 'snapchat.com', 'threads.net', 'reddit.com', 'vimeo.com',
  'medium.com', 'github.com', 'gitlab.com', 'yelp.com', 'tripadvisor.com', 'google.com', 'goo.gl', 'g.page', 'g.co',
  'bit.ly', 'tinyurl.com', 'ow.ly', 'buff.ly', 'rebrand.ly', 'linktr.ee', 'beacons.ai', 'about.me', 'wa.me', 't.me',
  'whatsapp.com', 'crunchbase.com', 'glassdoor.com', 'indeed.com', 'trustpilot.com', 'g2.com', 'clutch.co',
  'upwork.com', 'fiverr.com', 'behance.net', 'dribbble.com', 'etsy.com', 'amazon.com', 'ebay.com', 'houzz.com',
  'yellowpages.com', 'angi.com', 'calendly.com', 'zoominfo.com', 'apollo.io',
]);

/** Whether a registrable domain is a platform of company pages (linkedin.com, bit.ly…). */
export function isPlatform(registrable: string): boolean {
  return PLATFORMS.has(registrable);
}

/**
 * A page on a platform (something after the host: a path, query or fragment), as opposed to the
 * platform's own domain: `linkedin.com/company/acme` is a page, `linkedin.com` is LinkedIn.
 */
export function isPlatformPage(text: string, registrable: string): boolean {
  if (!PLATFORMS.has(registrable)) return false;
  const rest = text.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const pathAt = rest.search(/[/?#]/);
  return pathAt >= 0 && /[^/?#]/.test(rest.slice(pathAt));
}
