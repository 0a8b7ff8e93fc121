// Studio configurations for the message-API tests: the demo studio with the web channel (guests welcome,
// one allowed origin) and an apiKey, a second one that takes no guests, and an inactive one.
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';

export const API_KEY = 'inkwell-api-key-0123456789';
export const ORIGIN = 'https://inkwell.example';

const demo = demoStudioInput.studios[0];

export function messageStudios(overrides: Record<string, unknown> = {}): StudioConfig {
  return parseStudioConfig({
    studios: [
      {
        ...demo,
        web: { acceptGuests: true, allowedOrigins: [ORIGIN] },
        apiKey: API_KEY,
        sessionTimeout: '60m',
        ...overrides,
      },
      {
        ...demo,
        id: 'north',
        whatsapp: { phoneNumberId: '110000000000002' },
        sms: undefined,
        web: { acceptGuests: false, allowedOrigins: [] },
      },
      {
        ...demo,
        id: 'closed',
        whatsapp: { phoneNumberId: '110000000000003' },
        sms: undefined,
        web: {},
        active: false,
      },
    ],
  });
}
