/** What a cut message ends with: one character, so the cut text keeps the most of its own. */
export const ELLIPSIS = '…';

/**
 * `text` when it has at most `maxLength` UTF-16 code units; otherwise its start and ELLIPSIS,
 * `maxLength` code units in all. A surrogate pair is never split, so the result stays valid
 * Unicode, and counting code units keeps it within a limit counted in code points as well.
 */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let end = maxLength - ELLIPSIS.length;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
