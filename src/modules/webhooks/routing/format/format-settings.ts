import { DomainError } from '../../support/domain-error';
import { templateProblem } from './template';
import {
  DEFAULT_WEBHOOK_FORMAT,
  formatProblem,
  isChatFormat,
  isWebhookFormat,
  WebhookFormat,
} from './webhook-format';

/** A webhook's body format as stored: `template` null means the format's default one. */
export interface FormatSettings {
  format: WebhookFormat;
  template: string | null;
}

/** The fields of a create or update body; absent ones keep what is stored. */
export interface FormatChanges {
  format?: unknown;
  template?: unknown;
}

/** A create/update whose format and template do not go together; nothing was written. */
export class InvalidFormatSettingsError extends DomainError {
  readonly kind = 'invalid';
}

export const NEW_WEBHOOK_FORMAT: FormatSettings = {
  format: DEFAULT_WEBHOOK_FORMAT,
  template: null,
};

/**
 * Every reason the settings are unacceptable (empty when fine). A template belongs to the chat
 * formats only: a template with `standard` is refused rather than stored unused, and so is
 * switching a templated webhook to `standard` without `template: null`.
 */
export function formatSettingsProblems(settings: FormatChanges): string[] {
  // Absent means the default; null is not a format (it would store nothing meaningful).
  const format = settings.format === undefined ? DEFAULT_WEBHOOK_FORMAT : settings.format;
  const template = settings.template ?? null;
  const problems: string[] = [];
  const badFormat = formatProblem(format);
  if (badFormat !== null) problems.push(badFormat);
  if (template !== null) {
    const badTemplate = templateProblem(template);
    if (badTemplate !== null) problems.push(badTemplate);
    if (isWebhookFormat(format) && !isChatFormat(format)) {
      problems.push(
        'template is allowed only with format slack or discord; send template: null to remove it',
      );
    }
  }
  return problems;
}

/**
 * The settings a create (from NEW_WEBHOOK_FORMAT) or an update (from the stored ones) leaves:
 * given fields replace stored ones, `template: null` removes the template. Throws
 * InvalidFormatSettingsError, naming every problem, when the result is not acceptable.
 */
export function resolveFormatSettings(
  changes: FormatChanges,
  stored: FormatSettings = NEW_WEBHOOK_FORMAT,
): FormatSettings {
  const merged = {
    format: changes.format === undefined ? stored.format : changes.format,
    template: changes.template === undefined ? stored.template : changes.template,
  };
  const problems = formatSettingsProblems(merged);
  if (problems.length > 0) throw new InvalidFormatSettingsError(problems.join('; '));
  return merged as FormatSettings;
}
