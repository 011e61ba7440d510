// Outside text (file cells, stored names, typed targets) made safe to show; no dependencies, so
// the CLI's output layer can load it without the public suffix list.

/**
 * Text from files and the database as a terminal may show it: control characters (C0, DEL, C1)
 * and bidirectional overrides become "?", so a hostile cell cannot move the cursor, retitle the
 * window or reorder what ops read.
 */
export function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** Keeps hostile input printable in one line of an error message. */
export function printable(text: string, max = 80): string {
  const clean = withoutControls(text);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
