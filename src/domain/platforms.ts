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

// Website builders and hosts that give each site a subdomain of their own domain (and are not on
// the Public Suffix List, so tldts takes the builder as the registrable domain): a customer's
// `acme.wordpress.com` is that customer's site, and suppressing wordpress.com would suppress
// every site there.
const SITE_BUILDERS = new Set([
  'wordpress.com', 'wpcomstaging.com', 'weebly.com', 'weeblysite.com', 'squarespace.com', 'business.site', 'company.site',
  'godaddysites.com', 'site123.me', 'wixsite.com', 'wix.com', 'editorx.io', 'jimdosite.com', 'jimdofree.com', 'jimdo.com',
  'strikingly.com', 'mystrikingly.com', 'webnode.page', 'webnode.com', 'ueniweb.com', 'tumblr.com', 'webs.com', 'ucoz.net',
  'hubspotpagebuilder.com', 'durable.co', 'ghost.io', 'substack.com', 'shopify.com', 'bigcartel.com', 'hpage.com',
  'webador.com', 'mozello.com', 'wsimg.com', 'websitebuilder.com', 'zohosites.com', 'site.pro', 'tilda.ws', 'blogger.com',
]);

/** Whether a registrable domain is a website builder whose subdomains are its customers' own sites. */
export function isSiteBuilder(registrable: string): boolean {
  return SITE_BUILDERS.has(registrable);
}
