// The one place where user input becomes a suppression target (SPEC §2).
import { domainToASCII, domainToUnicode } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { AosError } from '../errors.js';
import { type MailProviderTier, mailProviderTier } from './mail-providers.js';
import { isPlatformPage } from './platforms.js';
import { printable } from './printable.js';
import { isNoWebsite } from './values.js';

export { printable, withoutControls } from './printable.js';

export type TargetKind = 'domain' | 'email';

export interface Target {
  kind: TargetKind;
  /** What the user typed, untouched. */
  input: string;
  /** The normalized form: hostname for a domain, canonical address for an email. */
  value: string;
  /** Hostname of the domain, or the (canonical) domain part of the email. */
  hostname: string;
  /** The company-level domain under the public suffix (acme.co.uk, acme.github.io). */
  registrableDomain: string;
  /**
   * A mail provider (either tier): an address there is a personal mailbox, so the domain part says
   * nothing of the person's company.
   */
  freeMail: boolean;
  /** Webmail (gmail.com, outlook.com…): never a company, not even as an explicit website. */
  webmail: boolean;
  /** A page on a platform (`linkedin.com/company/acme`): names a page, not a company (SPEC §2). */
  platformPage: boolean;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; input: string; error: string };

/** A mail provider of either tier (gmail.com, telstra.com…), from the registrable domain. */
export function isFreeMailDomain(hostname: string): boolean {
  return mailTierOf(hostname) !== null;
}

/** The mail-provider tier of a hostname's registrable domain, or null (SPEC §2 provider tiers). */
export function mailTierOf(hostname: string): MailProviderTier | null {
  const info = parseDomain(hostname, TLDTS_OPTIONS);
  if (!info.domain || info.isIp) return null;
  return mailProviderTier(info.domain, info.domainWithoutSuffix ?? '');
}

const TLDTS_OPTIONS = { allowPrivateDomains: true, extractHostname: false } as const;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//;
// Dot-separated labels of 1-63 letters, digits and inner hyphens (labels hold no dot, so the
// expression cannot backtrack).
const ASCII_HOSTNAME = /^(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)*(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// The usual http(s)://host/… with a host the WHATWG parser returns unchanged: ASCII labels, the
// last one starting with a letter (never an IPv4 form), no port, userinfo or escapes. Anything
// else goes through new URL().
const SIMPLE_URL_HOST = /^(?:https?:\/\/)?((?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*\.?)(?=[/?#]|$)/;
// Letters of any script too (RFC 6531: `jörg.weber@web.de` is an address, and its opt-out must be
// recordable); compared in NFC, so a decomposed ö is the same mailbox.
const EMAIL_LOCAL = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64}$/u;
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** The registrable domain of an already normalized hostname, or null for suffixes, IPs, junk. */
export function registrableDomain(hostname: string): string | null {
  const info = parseDomain(hostname, TLDTS_OPTIONS);
  if (info.isIp || !(info.isIcann || info.isPrivate)) return null;
  return info.domain;
}

type HostResult = { ok: true; hostname: string; registrable: string; tier: MailProviderTier | null } | { ok: false; error: string };

const NOT_IN_LABEL = /[^\p{L}\p{M}\p{N}.-]/u;
// A character that compatibility folding turns into others: superscripts, fractions, circled
// letters and digits, ligatures (ﬁ ﬂ), ™, ª º, ㎝. IDNA2008 disallows them; WHATWG maps them to
// ASCII (³ → 3, ﬂ → fl). In a domain they are a byte read in the wrong encoding: Polish ł and ą
// are Windows-1252's ³ and ¹, ß is Mac Roman's ﬂ (`łódź-meble.pl` read as `3ódÿ-meble.pl`,
// `großhandel.de` as `groflhandel.de`). Full- and half-width forms (typed by CJK input methods)
// and the ideographic full stops are the exception: they are the same letters.
const WIDTH_FORMS = /[\uff00-\uffef\u3002]/u;
function foldedCharacter(host: string): string | null {
  for (const c of host) {
    if (c.charCodeAt(0) < 0x80 || WIDTH_FORMS.test(c)) continue;
    if (c.normalize('NFKC') !== c) return c;
  }
  return null;
}
const foldedError = (c: string) => `not a valid domain name ("${c}" is no letter of a domain: a byte read in the wrong encoding?)`;

/** Validates and normalizes a bare hostname (already lowercased, no scheme or path). */
function normalizeHostname(raw: string): HostResult {
  let host = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (host === '') return { ok: false, error: 'empty domain' };
  if (/^\[.*\]$/.test(host) || /^[0-9.]+$/.test(host)) {
    return { ok: false, error: 'IP addresses are not domains' };
  }
  // domainToASCII reads its input as a URL host and would drop a path (`x.com/a` → `x.com`).
  if (/[/?#:@\\%\[\]]/.test(host)) return { ok: false, error: 'not a valid domain name' };
  // WHATWG IDNA: Unicode labels become punycode ('' when they cannot be) and punycode labels are
  // checked (xn--bcher-kva0 does not decode); other ASCII names skip the (costly) conversion.
  if (!/^[a-z0-9.-]*$/.test(host) || host.includes('xn--')) {
    const folded = foldedCharacter(host);
    if (folded) return { ok: false, error: foldedError(folded) };
    const ascii = domainToASCII(host);
    if (ascii === '') return { ok: false, error: 'not a valid domain name' };
    // WHATWG's mapping lets symbols through (a©b.com, bj¿rn.no, a–b.com) where IDNA2008 allows
    // only letters, marks, digits and hyphens: such a label is a misread byte, never a company's.
    const symbol = NOT_IN_LABEL.exec(domainToUnicode(ascii));
    if (symbol) return { ok: false, error: `not a valid domain name ("${symbol[0]}" is not a letter, digit or hyphen)` };
    host = ascii;
  }
  if (host.length > 253 || !ASCII_HOSTNAME.test(host)) return { ok: false, error: 'not a valid domain name' };
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return { ok: false, error: 'localhost is not a company domain' };
  }
  const info = parseDomain(host, TLDTS_OPTIONS);
  if (info.isIp) return { ok: false, error: 'IP addresses are not domains' };
  if (!(info.isIcann || info.isPrivate)) {
    return { ok: false, error: `unknown public suffix ".${info.publicSuffix ?? host}"` };
  }
  if (!info.domain) {
    return { ok: false, error: `"${host}" is a public suffix, not a company domain` };
  }
  // `www.` goes when it is a subdomain label: `www.com` and `www.github.io` are companies.
  if (host.startsWith('www.') && info.subdomain) host = host.slice(4);
  return { ok: true, hostname: host, registrable: info.domain, tier: mailProviderTier(info.domain, info.domainWithoutSuffix ?? '') };
}

function hostFromUrl(input: string): { ok: true; host: string } | { ok: false; error: string } {
  const simple = SIMPLE_URL_HOST.exec(input);
  if (simple) return { ok: true, host: simple[1] as string };
  // new URL() folds ³ to 3 before normalizeHostname could see it.
  const authority = input.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/, 1)[0] as string;
  // Escapes too: `gro%EF%AC%82handel.de` is groﬂhandel.de to new URL(), which folds it to fl.
  let decoded = authority;
  try {
    decoded = decodeURIComponent(authority);
  } catch {
    // A lone % is no escape: new URL() refuses it below.
  }
  const folded = foldedCharacter(decoded);
  if (folded) return { ok: false, error: foldedError(folded) };
  try {
    const url = new URL(SCHEME.test(input) ? input : `http://${input}`);
    if (url.hostname === '') return { ok: false, error: 'URL has no host name' };
    return { ok: true, host: url.hostname };
  } catch {
    return { ok: false, error: 'not a valid domain or URL' };
  }
}

/** Lowercased, `+tag` removed; for Gmail dots in the local part are ignored and googlemail is gmail. */
export function canonicalEmail(local: string, domain: string): string {
  let user = local.toLowerCase();
  const plus = user.indexOf('+');
  if (plus > 0) user = user.slice(0, plus);
  let host = domain;
  if (GMAIL_DOMAINS.has(host)) {
    host = 'gmail.com';
    user = user.replaceAll('.', '');
  }
  return `${user}@${host}`;
}

/**
 * A local part as it compares: full- and half-width forms as the letters they are (ｊｏｅ is joe),
 * lowercased without context (the input was lowercased whole, and JavaScript writes a capital Σ
 * before a dot as σ but one at a word's end as ς: ΝΙΚΟΣ.ΠΑΠΑΣ and Νικος.Παπας are one mailbox),
 * and Turkish İ as i (its lowercase is i + a combining dot no address holds).
 */
function comparableLocal(local: string): string {
  // Nearly every address is ASCII, already lowercased: a bulk check of a million pays nothing.
  if (/^[\x00-\x7f]*$/.test(local)) return local;
  // The dot of İ is dropped wherever other marks stand beside it (İ́ is i + U+0307 + U+0301, Ị̇ is
  // i + U+0323 + U+0307), then the marks are composed again, so í is í however it was typed.
  const lower = local.normalize('NFKC').toLowerCase().replaceAll('ς', 'σ');
  return lower.normalize('NFD').replace(/i(\p{M}*?)\u0307/gu, 'i$1').normalize('NFC');
}

function parseEmail(input: string, text: string): TargetResult {
  const address = text.startsWith('mailto:') ? text.slice('mailto:'.length) : text;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).normalize('NFC');
  const domainPart = address.slice(at + 1);
  if (local === '' || !EMAIL_LOCAL.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, input, error: 'not a valid email address' };
  }
  const folded = foldedCharacter(local);
  if (folded) return { ok: false, input, error: `"${folded}" is no letter of an address: a byte read in the wrong encoding?` };
  const mailbox = comparableLocal(local);
  if (domainPart === '') return { ok: false, input, error: 'email address has no domain' };
  const host = normalizeHostname(domainPart);
  if (!host.ok) return { ok: false, input, error: `email domain: ${host.error}` };
  const value = canonicalEmail(mailbox, host.hostname);
  const hostname = value.slice(value.lastIndexOf('@') + 1);
  // canonicalEmail only ever renames googlemail.com to gmail.com: webmail both, and registrable.
  const registrable = hostname === host.hostname ? host.registrable : hostname;
  return {
    ok: true,
    target: {
      kind: 'email', input, value, hostname, registrableDomain: registrable,
      freeMail: host.tier !== null, webmail: host.tier === 'webmail', platformPage: false,
    },
  };
}

const NAME_ADDR = /^[^<>]*<([^<>]*)>$/;

/**
 * "Sarah Lee <sarah@acme.com>" → "sarah@acme.com": a mailbox with its display name, as mail
 * clients and CRMs export it, stands for its address. Other text comes back trimmed.
 */
export function mailboxAddress(text: string): string {
  const t = text.trim();
  if (!t.endsWith('>') || /[\u0000-\u001f\u007f]/.test(t)) return t;
  const inner = NAME_ADDR.exec(t)?.[1];
  return inner?.includes('@') ? inner.trim() : t;
}

/** Like normalizeTarget, but returns the reason instead of throwing (for bulk input). */
export function parseTarget(input: string): TargetResult {
  // The library is called from JavaScript too: a null or a number is an invalid target, not a TypeError.
  if (typeof input !== 'string') {
    const kind = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
    return { ok: false, input: typeof input === 'number' || typeof input === 'boolean' ? String(input) : `(${kind})`, error: `not a string (${kind})` };
  }
  let text = input.trim().toLowerCase();
  if (text === '') return { ok: false, input, error: 'empty target' };
  if (text.length > 2048) return { ok: false, input, error: 'target is too long' };
  // U+FFFD is what the decoder made of a byte that is not text in the file's encoding: the value
  // as written is unknown, and read without it an IDN or a mailbox would be another one.
  if (text.includes('\uFFFD')) return { ok: false, input, error: 'holds bytes that are not valid UTF-8 (shown as \uFFFD): the value cannot be read' };
  // "N/A", "none", "TBC", "-None-" in a website cell say there is no website: say so, rather
  // than read "n/a" as a URL of host "n" ("unknown public suffix .n").
  if (isNoWebsite(text)) return { ok: false, input, error: `"${printable(input.trim(), 20)}" is a placeholder for no value, not a domain or email (leave the cell empty)` };
  if (text.endsWith('>')) text = mailboxAddress(text);
  if (/[\s\u0000-\u001f\u007f]/.test(text)) {
    return { ok: false, input, error: 'target contains spaces or control characters' };
  }
  const isUrl = SCHEME.test(text);
  // Without a scheme, a `/`, `?` or `#` before any `@` makes a URL (`acme.com/?ref=bob@x.com` is
  // acme.com); an email is local@domain with nothing after the domain, checked by parseEmail.
  const at = text.indexOf('@');
  if (!isUrl && at >= 0) {
    const pathAt = text.search(/[/?#]/);
    if (pathAt < 0 || pathAt > at) return parseEmail(input, text);
  }

  const looksLikeUrl = isUrl || /[/:?#]/.test(text);
  let host = text;
  if (looksLikeUrl) {
    const fromUrl = hostFromUrl(text);
    if (!fromUrl.ok) return { ok: false, input, error: fromUrl.error };
    host = fromUrl.host;
  }
  const normalized = normalizeHostname(host);
  if (!normalized.ok) return { ok: false, input, error: normalized.error };
  return {
    ok: true,
    target: {
      kind: 'domain',
      input,
      value: normalized.hostname,
      hostname: normalized.hostname,
      registrableDomain: normalized.registrable,
      freeMail: normalized.tier !== null,
      webmail: normalized.tier === 'webmail',
      platformPage: looksLikeUrl && isPlatformPage(text, normalized.registrable),
    },
  };
}

/** Turns a domain, URL or email into a Target; throws AosError('input') saying why it is invalid. */
export function normalizeTarget(input: string): Target {
  const result = parseTarget(input);
  if (!result.ok) throw new AosError('input', `invalid target "${printable(result.input)}": ${result.error}`);
  return result.target;
}

/**
 * The domain entries that can cover a target: its hostname and every parent down to the
 * registrable domain. An email at webmail has none: only email entries match it. An email at a
 * provider that is also a company (telstra.com) is covered by that company's domain entry, which
 * only an explicit website or `suppress add` creates.
 */
export function coveringDomains(target: Target): string[] {
  if (target.kind === 'email' && target.webmail) return [];
  const domains: string[] = [];
  let host = target.hostname;
  for (;;) {
    domains.push(host);
    if (host === target.registrableDomain) break;
    const dot = host.indexOf('.');
    if (dot < 0 || host.length <= target.registrableDomain.length) break;
    host = host.slice(dot + 1);
  }
  return domains;
}
