import { buildEventEnvelope } from '../../events/event-envelope';
import { deliveryBody } from './body-format';
import { InvalidTemplateError } from './template';

// The stored body, as buildEventEnvelope serializes it (fixed here so bodies can be compared).
const stored = JSON.stringify({
  id: 'evt_01',
  type: 'message.sent',
  timestamp: '2026-12-02T08:00:00.000Z',
  data: {
    message: { id: 'msg_1', to: '+15550100', status: 'sent', segments: 2 },
    tags: ['sms', 'us'],
  },
});

const storedWith = (data: Record<string, unknown>): string =>
  JSON.stringify({
    id: 'evt_02',
    type: 'message.received',
    timestamp: '2026-12-02T08:00:00Z',
    data,
  });

describe('deliveryBody', () => {
  it('sends the stored body byte for byte in the standard format', () => {
    const body = buildEventEnvelope('evt_9', 'message.sent', { text: 'Grüße "quoted"\n' });
    expect(deliveryBody(body, { format: 'standard', template: null })).toBe(body);
  });

  it('sends the default template as Slack text and Discord content', () => {
    expect(deliveryBody(stored, { format: 'slack', template: null })).toBe(
      '{"text":"[message.sent] evt_01"}',
    );
    expect(deliveryBody(stored, { format: 'discord', template: null })).toBe(
      '{"content":"[message.sent] evt_01"}',
    );
  });

  it('renders the webhook template from the envelope', () => {
    const template = '[{{type}}] message to {{data.message.to}} is {{data.message.status}}';
    expect(deliveryBody(stored, { format: 'slack', template })).toBe(
      '{"text":"[message.sent] message to +15550100 is sent"}',
    );
    expect(deliveryBody(stored, { format: 'discord', template })).toBe(
      '{"content":"[message.sent] message to +15550100 is sent"}',
    );
  });

  it('renders nested objects as escaped compact JSON, array items by index, missing paths empty', () => {
    expect(
      deliveryBody(stored, {
        format: 'slack',
        template: '{{data.message}} first tag {{data.tags.0}}, from {{data.message.from}}.',
      }),
    ).toBe(
      '{"text":"{\\"id\\":\\"msg_1\\",\\"to\\":\\"+15550100\\",\\"status\\":\\"sent\\",\\"segments\\":2} first tag sms, from ."}',
    );
  });

  it('escapes quotes, backslashes and newlines of the data, and keeps Unicode as UTF-8', () => {
    const body = deliveryBody(storedWith({ text: 'He said "hi" \\o/\nthen left ✓ 😀' }), {
      format: 'discord',
      template: '> {{data.text}}',
    });
    expect(body).toBe('{"content":"> He said \\"hi\\" \\\\o/\\nthen left ✓ 😀"}');
    expect(JSON.parse(body)).toEqual({ content: '> He said "hi" \\o/\nthen left ✓ 😀' });
  });

  it('keeps the literal text of the template, newlines and quotes included', () => {
    expect(
      deliveryBody(stored, { format: 'slack', template: '*{{type}}*\n"{{id}}" at {{timestamp}}' }),
    ).toBe('{"text":"*message.sent*\\n\\"evt_01\\" at 2026-12-02T08:00:00.000Z"}');
  });

  it('cuts Discord content to 2,000 characters and Slack text to 4,000, ending with an ellipsis', () => {
    const long = storedWith({ text: 'x'.repeat(5000) });
    const discord = JSON.parse(
      deliveryBody(long, { format: 'discord', template: '{{data.text}}' }),
    ) as { content: string };
    expect(discord.content).toBe('x'.repeat(1999) + '…');
    const slack = JSON.parse(
      deliveryBody(long, { format: 'slack', template: '{{data.text}}' }),
    ) as {
      text: string;
    };
    expect(slack.text).toBe('x'.repeat(3999) + '…');
  });

  it('cuts Discord content between characters, never inside a surrogate pair', () => {
    const body = deliveryBody(storedWith({ text: '😀'.repeat(1500) }), {
      format: 'discord',
      template: '{{data.text}}',
    });
    expect(body).toBe(`{"content":"${'😀'.repeat(999)}…"}`);
    expect(Buffer.from(body, 'utf8').toString()).toBe(body);
  });

  it('renders a key named __proto__ in the data as nothing and pollutes no prototype', () => {
    const body = storedWith(JSON.parse('{"__proto__":{"polluted":"yes"},"name":"Ada"}'));
    expect(body).toContain('"__proto__"');
    expect(
      deliveryBody(body, { format: 'slack', template: 'hi {{data.name}}{{data.polluted}}' }),
    ).toBe('{"text":"hi Ada"}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a stored template that does not compile rather than sending it', () => {
    expect(() =>
      deliveryBody(stored, { format: 'discord', template: '{{data.__proto__.x}}' }),
    ).toThrow(InvalidTemplateError);
  });
});
