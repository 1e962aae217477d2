import {
  CompiledTemplate,
  compileTemplate,
  InvalidTemplateError,
  MAX_TEMPLATE_LENGTH,
  templateProblem,
} from './template';

const envelope = {
  id: 'evt_01',
  type: 'message.sent',
  timestamp: '2026-12-02T08:00:00.000Z',
  data: {
    message: { id: 'msg_1', to: '+15550100', segments: 2, price: 0.0075, urgent: false },
    tags: ['sms', 'us'],
    note: null,
  },
};

const render = (template: string, maxLength = 4000): string =>
  compileTemplate(template).render(envelope, maxLength);

describe('templateProblem', () => {
  it.each([
    '[{{type}}] {{id}}',
    '{{ type }} {{\tdata.message.to\t}}',
    'plain text with { single } braces',
    '{{data.tags.0}} {{data.message-id}} {{data.$ref}}',
  ])('accepts %j', (template) => {
    expect(templateProblem(template)).toBeNull();
  });

  it.each([
    [42, 'template must be a string'],
    [['{{type}}'], 'template must be a string'],
    ['', 'template must not be empty; leave it out (or null) for the default'],
    [' \n ', 'template must not be empty; leave it out (or null) for the default'],
    ['Hello {{type', 'template: "{{" at character 7 is not closed by "}}"'],
    ['{{type}} and {{', 'template: "{{" at character 14 is not closed by "}}"'],
    ['Hello type}}', 'template: "}}" at character 11 has no "{{"'],
    ['{{type}}}}', 'template: "}}" at character 9 has no "{{"'],
    [
      '{{ {{type}} }}',
      'template: "{{" at character 1 is not closed before the "{{" at character 4',
    ],
    ['{{}}', 'template: "{{}}" at character 1 has no path'],
    ['to {{  }}', 'template: "{{  }}" at character 4 has no path'],
    [
      '{{data..to}}',
      'template: "{{data..to}}" at character 1 is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    [
      '{{ data.tags[0] }}',
      'template: "{{ data.tags[0] }}" at character 1 is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    [
      '{{type | upper}}',
      'template: "{{type | upper}}" at character 1 is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)',
    ],
    [
      "{{ this.constructor.constructor('return process')() }}",
      `template: "{{ this.constructor.constructor('return process')() }}" at character 1 is not a dotted path (names of letters, digits, "_", "$" or "-", array indexes as numbers)`,
    ],
    [
      'a {{data.__proto__.polluted}}',
      'template: "{{data.__proto__.polluted}}" at character 3 reads "__proto__", which is not allowed',
    ],
    [
      '{{constructor}}',
      'template: "{{constructor}}" at character 1 reads "constructor", which is not allowed',
    ],
    [
      '{{data.message.constructor.name}}',
      'template: "{{data.message.constructor.name}}" at character 1 reads "constructor", which is not allowed',
    ],
    [
      '{{ message.to }}',
      'template: "{{ message.to }}" at character 1 must start with id, type, timestamp or data',
    ],
  ])('refuses %j', (template, problem) => {
    expect(templateProblem(template)).toBe(problem);
  });
});

describe('template length', () => {
  it(`accepts ${MAX_TEMPLATE_LENGTH} characters and refuses ${MAX_TEMPLATE_LENGTH + 1}`, () => {
    expect(MAX_TEMPLATE_LENGTH).toBe(2000);
    expect(templateProblem('x'.repeat(1992) + '{{type}}')).toBeNull();
    expect(templateProblem('x'.repeat(1993) + '{{type}}')).toBe(
      'template must be at most 2000 characters',
    );
  });
});

describe('compileTemplate', () => {
  it('throws an invalid (400) domain error carrying the problem', () => {
    expect(() => compileTemplate('{{type')).toThrow(InvalidTemplateError);
    expect(() => compileTemplate('{{type')).toThrow(
      'template: "{{" at character 1 is not closed by "}}"',
    );
  });

  it('compiles once and renders every envelope given to it', () => {
    const template = compileTemplate('[{{type}}] {{id}}');
    expect(template).toBeInstanceOf(CompiledTemplate);
    expect(template.render(envelope, 100)).toBe('[message.sent] evt_01');
    expect(template.render({ ...envelope, id: 'evt_02' }, 100)).toBe('[message.sent] evt_02');
  });
});

describe('CompiledTemplate.render', () => {
  it('renders strings as they are, numbers and booleans as text', () => {
    expect(
      render(
        '{{data.message.to}}: {{data.message.segments}} parts at {{data.message.price}}, urgent {{data.message.urgent}}',
      ),
    ).toBe('+15550100: 2 parts at 0.0075, urgent false');
  });

  it('renders objects and arrays as compact JSON', () => {
    expect(render('{{data.tags}}')).toBe('["sms","us"]');
    expect(render('{{data.message}}')).toBe(
      '{"id":"msg_1","to":"+15550100","segments":2,"price":0.0075,"urgent":false}',
    );
  });

  it('reads array items by index', () => {
    expect(render('{{data.tags.0}}/{{data.tags.1}}')).toBe('sms/us');
  });

  it('renders missing paths and null as nothing', () => {
    expect(render('to {{data.message.from}}!')).toBe('to !');
    expect(render('[{{data.tags.5}}][{{data.message.to.0}}][{{data.note}}]')).toBe('[][][]');
    expect(render('{{data.message.toString}}{{data.tags.length}}')).toBe('');
    expect(compileTemplate('{{data.x}}').render('not an envelope', 100)).toBe('');
  });

  it('keeps quotes, newlines and any Unicode of the data as they are', () => {
    const text = 'He said "hi"\nthen left ✓ 😀 \u2028';
    expect(compileTemplate('> {{data.text}}').render({ data: { text } }, 100)).toBe(`> ${text}`);
  });

  it('cuts long output to the limit with an ellipsis, without stringifying what is cut', () => {
    const big = { data: { blob: { text: 'y'.repeat(10_000) } } };
    const many = compileTemplate('{{data.blob}} '.repeat(100));
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      const text = many.render(big, 2000);
      expect(text).toBe(`{"text":"${'y'.repeat(1990)}…`);
      expect(stringify).toHaveBeenCalledTimes(1);
    } finally {
      stringify.mockRestore();
    }
  });
});
