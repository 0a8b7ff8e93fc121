// Studios for the orchestrator tests, on the demo studio: `inkwell` keeps the qualify flow with an
// orchestrator for off-script questions, `assist` answers everything with it (flow: assistant, a small
// token budget per session, a short timeout); both reach /api with the message-API test key.
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import type { StudioConfig } from '../../src/studio/studio-schema.ts';
import { API_KEY } from '../message-api/message-studios.ts';

export const DEFAULT_REPLY = 'Thanks! Someone from the studio will get back to you shortly.';
export const ORCHESTRATOR_KEY = 'test-orchestrator-key';
export const PRICING = { inputPer1k: 0.5, outputPer1k: 1.5, currency: 'USD' } as const;
export const BUDGET = 1_000;

const demo = demoStudioInput.studios[0];

export function orchestratorStudios(url: string): StudioConfig {
  const orchestrator = { url, model: 'fake-model-1', defaultReply: DEFAULT_REPLY, pricing: PRICING };
  return parseStudioConfig({
    studios: [
      {
        ...demo,
        apiKey: API_KEY,
        web: { acceptGuests: true },
        orchestrator: { ...orchestrator, timeout: '5s' },
      },
      {
        ...demo,
        id: 'assist',
        name: 'Inkwell Assistant',
        whatsapp: { phoneNumberId: '110000000000009' },
        sms: undefined,
        apiKey: API_KEY,
        flow: 'assistant',
        orchestrator: {
          ...orchestrator,
          timeout: '1s',
          budgetTokensPerSession: BUDGET,
          dailyCostLimitUsd: 1,
        },
      },
    ],
  });
}
