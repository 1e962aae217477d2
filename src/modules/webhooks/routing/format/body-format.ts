import { CompiledTemplate, compileTemplate } from './template';
import { FormatSettings } from './format-settings';
import { DEFAULT_TEMPLATE, isChatFormat, MESSAGE_TEXT_LIMITS } from './webhook-format';

// Deliveries of one webhook reuse its template: compile each once, keep the recent ones.
const MAX_COMPILED_TEMPLATES = 1000;
const compiled = new Map<string, CompiledTemplate>();

/**
 * The exact request body a webhook is sent (and signed over) for a stored event body, which is
 * the serialized envelope `{ id, type, timestamp, data }`:
 * - `standard`: the stored body itself, byte for byte;
 * - `slack`: `{"text":"<rendered template>"}`, at most 4,000 characters of text;
 * - `discord`: `{"content":"<rendered template>"}`, at most 2,000 characters of content.
 * Chat formats render the webhook's template, or DEFAULT_TEMPLATE when it has none. Throws
 * InvalidTemplateError for a stored template that does not compile.
 */
export function deliveryBody(storedBody: string, settings: FormatSettings): string {
  const { format } = settings;
  if (!isChatFormat(format)) return storedBody;
  const envelope: unknown = JSON.parse(storedBody);
  const text = compiledTemplate(settings.template ?? DEFAULT_TEMPLATE).render(
    envelope,
    MESSAGE_TEXT_LIMITS[format],
  );
  return JSON.stringify(format === 'slack' ? { text } : { content: text });
}

function compiledTemplate(template: string): CompiledTemplate {
  const cached = compiled.get(template);
  if (cached) {
    // Most recently used last, so the first key is the one to evict.
    compiled.delete(template);
    compiled.set(template, cached);
    return cached;
  }
  const fresh = compileTemplate(template);
  if (compiled.size >= MAX_COMPILED_TEMPLATES) {
    compiled.delete(compiled.keys().next().value as string);
  }
  compiled.set(template, fresh);
  return fresh;
}
