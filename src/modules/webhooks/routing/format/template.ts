import { DomainError } from '../../support/domain-error';
import { parsePath, readPath } from './template-path';
import { truncateText } from './truncate-text';

/** The longest template a webhook may store, in characters (UTF-16 code units). */
export const MAX_TEMPLATE_LENGTH = 2000;

const OPEN = '{{';
const CLOSE = '}}';

/** A stored template that does not compile: a 400 at create/update, never sent as is. */
export class InvalidTemplateError extends DomainError {
  readonly kind = 'invalid';
}

/** Literal text, or the segments of a `{{ path }}` placeholder. */
type TemplatePart = string | readonly string[];

/**
 * A template parsed once: literal text and envelope paths, rendered by looking values up.
 * Nothing in a template is evaluated, so rendering costs the lookups and the text it makes.
 */
export class CompiledTemplate {
  constructor(private readonly parts: readonly TemplatePart[]) {}

  /**
   * The text for `envelope` (`{ id, type, timestamp, data }` as parsed from the delivered
   * body), at most `maxLength` characters: longer text is cut and ends with "…".
   */
  render(envelope: unknown, maxLength: number): string {
    let text = '';
    for (const part of this.parts) {
      text += typeof part === 'string' ? part : valueText(readPath(envelope, part));
      // Whatever follows would be cut off: do not build (or stringify) it.
      if (text.length > maxLength) break;
    }
    return truncateText(text, maxLength);
  }
}

/**
 * What a template is wrong about, or null when it compiles: a string of 1..MAX_TEMPLATE_LENGTH
 * characters whose `{{` and `}}` pair up around envelope paths. Every message names `template`.
 */
export function templateProblem(value: unknown): string | null {
  const checked = checkTemplate(value);
  return 'problem' in checked ? checked.problem : null;
}

/** Compiles a template; throws InvalidTemplateError with templateProblem's message. */
export function compileTemplate(template: string): CompiledTemplate {
  const checked = checkTemplate(template);
  if ('problem' in checked) throw new InvalidTemplateError(checked.problem);
  return new CompiledTemplate(checked.parts);
}

type Checked = { parts: TemplatePart[] } | { problem: string };

function checkTemplate(value: unknown): Checked {
  if (typeof value !== 'string') return { problem: 'template must be a string' };
  if (value.trim() === '') {
    return { problem: 'template must not be empty; leave it out (or null) for the default' };
  }
  if (value.length > MAX_TEMPLATE_LENGTH) {
    return { problem: `template must be at most ${MAX_TEMPLATE_LENGTH} characters` };
  }
  return parseTemplate(value);
}

/**
 * Splits a template into literal text and placeholder paths. There is no escape for a literal
 * `{{` or `}}`: an unpaired one is refused rather than guessed at. Positions in messages count
 * characters from 1.
 */
function parseTemplate(template: string): Checked {
  const parts: TemplatePart[] = [];
  let position = 0;
  for (;;) {
    const open = template.indexOf(OPEN, position);
    const strayClose = template.indexOf(CLOSE, position);
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      return { problem: `template: "${CLOSE}" at character ${strayClose + 1} has no "${OPEN}"` };
    }
    if (open === -1) break;
    const close = template.indexOf(CLOSE, open + OPEN.length);
    if (close === -1) {
      return {
        problem: `template: "${OPEN}" at character ${open + 1} is not closed by "${CLOSE}"`,
      };
    }
    const inner = template.slice(open + OPEN.length, close);
    const nested = inner.indexOf(OPEN);
    if (nested !== -1) {
      const at = open + OPEN.length + nested + 1;
      return {
        problem: `template: "${OPEN}" at character ${open + 1} is not closed before the "${OPEN}" at character ${at}`,
      };
    }
    const path = inner.trim();
    const parsed = parsePath(path);
    if ('problem' in parsed) {
      const placeholder = template.slice(open, close + CLOSE.length);
      return { problem: `template: "${placeholder}" at character ${open + 1} ${parsed.problem}` };
    }
    if (open > position) parts.push(template.slice(position, open));
    parts.push(parsed.segments);
    position = close + CLOSE.length;
  }
  if (position < template.length) parts.push(template.slice(position));
  return { parts };
}

/** How one looked-up value reads in a message. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Objects and arrays (the only other things JSON.parse makes): compact JSON.
  return JSON.stringify(value);
}
