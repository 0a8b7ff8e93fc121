// A campaign's message in the lead's actor (src/machines/lead/campaign.ts), on the pure machine: the
// template goes in the campaign's language when it names one, else the lead's (when the studio has its
// templates in it), else the studio's; a lead without consent is refused, not messaged.
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../src/domain/effects.ts';
import type { CampaignSendEvent } from '../../src/domain/lead-events.ts';
import { parseStudioConfig } from '../../src/studio/load-studio-config.ts';
import { demoStudioInput } from '../../src/studio/demo-studio.ts';
import { LEAD_PHONE, LeadDriver } from './lead-driver.ts';

const studios = parseStudioConfig({ studios: [{ ...demoStudioInput.studios[0], languages: ['en', 'de'] }] });

function campaignSend(d: LeadDriver, patch: Partial<CampaignSendEvent> = {}): CampaignSendEvent {
  return {
    type: 'campaign.send',
    at: d.at,
    campaignId: 'spring',
    runId: '00000000-0000-4000-8000-000000000001',
    channel: 'whatsapp',
    phone: LEAD_PHONE,
    consent: true,
    message: { kind: 'template', name: 'spring_offer', params: ['Jonas'] },
    ...patch,
  };
}

const sends = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.type === 'effect.message.send' ? [e.message] : []));

function germanLead(): LeadDriver {
  const d = new LeadDriver(studios);
  d.send({
    type: 'message.received',
    channel: 'whatsapp',
    provider: 'meta',
    at: d.at,
    messageId: 'wamid.campaign.de',
    from: [{ type: 'phone', value: LEAD_PHONE }],
    profileName: 'Jonas Weber',
    language: 'de-DE',
    sentAt: d.at,
    content: { kind: 'text', text: 'hallo' },
  });
  return d;
}

describe('a campaign message in the lead actor', () => {
  it("goes in the lead's language when the campaign names none", () => {
    const d = germanLead();
    expect(sends(d.send(campaignSend(d)))).toEqual([
      { kind: 'template', name: 'spring_offer', language: 'de', params: ['Jonas'] },
    ]);
  });

  it("goes in the campaign's language when it names one", () => {
    const d = germanLead();
    const event = campaignSend(d, {
      message: { kind: 'template', name: 'spring_offer', language: 'en', params: ['Jonas'] },
    });
    expect(sends(d.send(event))).toEqual([
      { kind: 'template', name: 'spring_offer', language: 'en', params: ['Jonas'] },
    ]);
  });

  it("a contact who never wrote gets the studio's language", () => {
    const d = new LeadDriver(studios);
    expect(sends(d.send(campaignSend(d)))).toEqual([
      { kind: 'template', name: 'spring_offer', language: 'en', params: ['Jonas'] },
    ]);
  });

  it('a lead without consent is refused and sent nothing', () => {
    const d = new LeadDriver(studios);
    const effects = d.send(campaignSend(d, { consent: false }));
    expect(sends(effects)).toEqual([]);
    expect(effects).toContainEqual(
      expect.objectContaining({ type: 'effect.system_event', eventType: 'campaign.skipped' }),
    );
  });
});
