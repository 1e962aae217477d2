/**
 * The ids, phone numbers and times the example app's sample payloads share, so the samples of
 * every module read as one conversation with one contact.
 */
export const SAMPLE_IDS = {
  message: '3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c14',
  inboundMessage: '7a1d9e4b-2c3f-4b8e-a5d6-0f9c8b7e6a52',
  conversation: '9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a10',
  contact: 'c4d8e2f1-6a5b-4c3d-9e8f-7a6b5c4d3e21',
  agent: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
  previousAgent: 'b7c6d5e4-f3a2-4b1c-9d8e-7f6a5b4c3d2e',
  campaign: 'e3f4a5b6-c7d8-4e9f-a0b1-c2d3e4f5a6b7',
  flow: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b',
  flowRun: 'd9c8b7a6-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  automation: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  automationRun: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  template: '8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e5f',
} as const;

export const BUSINESS_PHONE = '+15550100001';
export const CONTACT_PHONE = '+15550123456';

export const SAMPLE_TIMES = {
  created: '2026-01-15T10:30:00.000Z',
  sent: '2026-01-15T10:30:01.000Z',
  delivered: '2026-01-15T10:30:03.000Z',
  read: '2026-01-15T10:31:12.000Z',
  updated: '2026-01-15T10:45:00.000Z',
  resolved: '2026-01-15T11:05:00.000Z',
  closed: '2026-01-15T11:30:00.000Z',
  completed: '2026-01-15T12:10:00.000Z',
} as const;
