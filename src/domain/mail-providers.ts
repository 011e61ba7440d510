// Free-mail providers in two tiers (SPEC §2). Webmail is only ever personal mailboxes; the rest of
// the maintained `email-providers` list (telcos, ISPs, portals: telstra.com, sky.com, orange.fr)
// are companies too, so an explicit website of theirs is their own company domain.
import { createRequire } from 'node:module';

export type MailProviderTier = 'webmail' | 'provider';

// Brands whose every country domain is webmail (yahoo.co.uk, hotmail.fr, gmx.de, yandex.ru…),
// matched on the registrable domain's label under its public suffix.
const WEBMAIL_BRANDS = new Set([
  'gmail', 'googlemail', 'yahoo', 'ymail', 'rocketmail', 'hotmail', 'outlook', 'msn', 'windowslive', 'aol', 'gmx',
  'yandex', 'protonmail', 'icloud', 'zohomail', 'tutanota', 'fastmail', 'hushmail', 'posteo', 'mailfence', 'foxmail',
  'rediffmail',
]);
// Labels too common to be a brand everywhere: webmail only where the maintained list has them.
const LISTED_WEBMAIL_LABELS = new Set(['live', 'mail', 'inbox', 'ya', 'proton', 'mailbox', 'lycos', 'aim', 'tuta']);
// Webmail domains whose label is not a webmail brand everywhere (me.com, qq.com, 163.com…).
const WEBMAIL_DOMAINS = new Set([
  'me.com', 'mac.com', 'pm.me', 'mail.ru', 'bk.ru', 'list.ru', 'inbox.ru', 'internet.ru', 'qq.com', '163.com', '126.com',
  'yeah.net', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com', 'naver.com', 'daum.net', 'hanmail.net', 'seznam.cz',
  'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl', 'rambler.ru', 'ukr.net', 'i.ua', 'hey.com', 'tutanota.de', 'tutamail.com',
  'keemail.me', 'mail.com', 'email.com', 'usa.com', 'post.com',
  'juno.com', 'netzero.net', 'mailinator.com', 'guerrillamail.com', '10minutemail.com', 'temp-mail.org', 'yopmail.com',
]);

const requireFromHere = createRequire(import.meta.url);
let providers: ReadonlySet<string> | undefined;

/**
 * The tier of a mail provider by its registrable domain (and the label under the public suffix),
 * or null for a domain that is no mail provider.
 */
export function mailProviderTier(registrable: string, label: string): MailProviderTier | null {
  if (WEBMAIL_DOMAINS.has(registrable) || WEBMAIL_BRANDS.has(label)) return 'webmail';
  if (!isListed(registrable)) return null;
  return LISTED_WEBMAIL_LABELS.has(label) ? 'webmail' : 'provider';
}

function isListed(domain: string): boolean {
  providers ??= new Set<string>(requireFromHere('email-providers/all.json') as string[]);
  return providers.has(domain);
}
