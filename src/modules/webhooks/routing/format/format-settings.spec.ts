import {
  formatSettingsProblems,
  InvalidFormatSettingsError,
  NEW_WEBHOOK_FORMAT,
  resolveFormatSettings,
} from './format-settings';
import { formatProblem, isWebhookFormat, WEBHOOK_FORMATS } from './webhook-format';

const STANDARD_ONLY =
  'template is allowed only with format slack or discord; send template: null to remove it';

describe('formatProblem', () => {
  it.each(WEBHOOK_FORMATS)('accepts %s', (format) => {
    expect(isWebhookFormat(format)).toBe(true);
    expect(formatProblem(format)).toBeNull();
  });

  it.each(['Slack', 'teams', '', null, 1, ['slack']])('refuses %j', (format) => {
    expect(formatProblem(format)).toBe('format must be one of standard, slack, discord');
  });
});

describe('formatSettingsProblems', () => {
  it.each([
    [{}],
    [{ format: 'standard' }],
    [{ format: 'standard', template: null }],
    [{ format: 'slack' }],
    [{ format: 'discord', template: null }],
    [{ format: 'slack', template: '[{{type}}] {{data.message.to}}' }],
    [{ format: 'discord', template: 'New event {{id}}' }],
  ])('accepts %j', (settings) => {
    expect(formatSettingsProblems(settings)).toEqual([]);
  });

  it('refuses a template with the standard format, named or by default', () => {
    expect(formatSettingsProblems({ format: 'standard', template: '{{id}}' })).toEqual([
      STANDARD_ONLY,
    ]);
    expect(formatSettingsProblems({ template: '{{id}}' })).toEqual([STANDARD_ONLY]);
  });

  it('names every problem: an unknown format, a null format, a broken template', () => {
    expect(formatSettingsProblems({ format: 'teams', template: '{{id' })).toEqual([
      'format must be one of standard, slack, discord',
      'template: "{{" at character 1 is not closed by "}}"',
    ]);
    expect(formatSettingsProblems({ format: null })).toEqual([
      'format must be one of standard, slack, discord',
    ]);
    expect(formatSettingsProblems({ format: 'slack', template: 7 })).toEqual([
      'template must be a string',
    ]);
  });
});

describe('resolveFormatSettings', () => {
  const slack = { format: 'slack', template: 'Sent to {{data.message.to}}' } as const;

  it('gives a new webhook the standard format without a template', () => {
    expect(resolveFormatSettings({})).toEqual({ format: 'standard', template: null });
    expect(NEW_WEBHOOK_FORMAT).toEqual({ format: 'standard', template: null });
    expect(resolveFormatSettings({ format: 'discord' })).toEqual({
      format: 'discord',
      template: null,
    });
  });

  it('keeps stored fields an update leaves out and replaces the ones it gives', () => {
    expect(resolveFormatSettings({}, slack)).toEqual(slack);
    expect(resolveFormatSettings({ format: 'discord' }, slack)).toEqual({
      format: 'discord',
      template: 'Sent to {{data.message.to}}',
    });
    expect(resolveFormatSettings({ template: '{{id}}' }, slack)).toEqual({
      format: 'slack',
      template: '{{id}}',
    });
    expect(resolveFormatSettings({ template: null }, slack)).toEqual({
      format: 'slack',
      template: null,
    });
  });

  it('switches a templated webhook to standard only together with template: null', () => {
    expect(() => resolveFormatSettings({ format: 'standard' }, slack)).toThrow(
      new InvalidFormatSettingsError(STANDARD_ONLY),
    );
    expect(resolveFormatSettings({ format: 'standard', template: null }, slack)).toEqual({
      format: 'standard',
      template: null,
    });
  });

  it('throws an invalid (400) domain error naming every problem', () => {
    const attempt = (): unknown => resolveFormatSettings({ format: 'teams', template: '}}' });
    expect(attempt).toThrow(InvalidFormatSettingsError);
    expect(attempt).toThrow(
      'format must be one of standard, slack, discord; template: "}}" at character 1 has no "{{"',
    );
    expect(() => resolveFormatSettings({ template: '{{id}}' })).toThrow(STANDARD_ONLY);
  });
});
