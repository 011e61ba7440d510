// Free-mail providers in two tiers (SPEC §2). Webmail is only ever personal mailboxes; the rest of
// the maintained `email-providers` list (telcos, ISPs, portals: telstra.com, sky.com, orange.fr)
// are companies too, so an explicit website of theirs is their own company domain.
import { readFileSync } from 'node:fs';
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

// The list is 8,760 domains (137 KB of JSON). `aos check` runs once per lead from shell scripts and
// looks up one or two domains: those are found in the file's text (a quoted string search), and
// only a run that looks up many pays for parsing the list into a set.
export class DomainList {
  private text: string | undefined;
  private set: ReadonlySet<string> | undefined;
  private lookups = 0;

  constructor(
    private readonly read: () => string,
    private readonly lookupsBeforeSet = 64,
  ) {}

  has(domain: string): boolean {
    if (!this.set && ++this.lookups > this.lookupsBeforeSet) {
      this.set = new Set<string>(JSON.parse(this.text ?? this.read()) as string[]);
      this.text = undefined;
    }
    if (this.set) return this.set.has(domain);
    this.text ??= this.read();
    // A JSON array of plain strings (no escapes in the file): the quoted form matches one whole entry.
    return !/["\\]/.test(domain) && this.text.includes(`"${domain}"`);
  }
}

export function readProviderList(): string {
  return readFileSync(requireFromHere.resolve('email-providers/all.json'), 'utf8');
}

const providers = new DomainList(readProviderList);

/**
 * The tier of a mail provider by its registrable domain (and the label under the public suffix),
 * or null for a domain that is no mail provider.
 */
export function mailProviderTier(registrable: string, label: string): MailProviderTier | null {
  if (WEBMAIL_DOMAINS.has(registrable) || WEBMAIL_BRANDS.has(label)) return 'webmail';
  if (!providers.has(registrable)) return null;
  return LISTED_WEBMAIL_LABELS.has(label) ? 'webmail' : 'provider';
}

