// Outside text (file cells, stored names, typed targets) made safe to show; no dependencies, so
// the CLI's output layer can load it without the public suffix list.

// Control characters (Cc: C0, DEL, C1), format characters (Cf: bidirectional overrides and
// isolates, zero-width spaces and joiners, the soft hyphen, the BOM) and the line and paragraph
// separators: none shows as itself, so each one shows as "?".
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Text from files and the database as a terminal may show it: every character that is invisible
 * or moves what follows becomes "?", so a hostile cell cannot move the cursor, retitle the window
 * or reorder what ops read, and `"k1\u200b"` (a zero-width space) reads as the `k1?` it is, not as k1.
 */
export function withoutControls(text: string): string {
  return text.replace(UNSHOWABLE, '?');
}

/** Keeps hostile input printable in one line of an error message. */
export function printable(text: string, max = 80): string {
  const clean = withoutControls(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
