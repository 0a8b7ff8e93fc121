import { describe, expect, it } from 'vitest';
import { createActor, type AnyStateMachine } from 'xstate';
import type { Envelope } from '../../src/domain/envelope.ts';
import { checkoutExpiresAt } from '../../src/machines/lead/deposit.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import {
  allowedTransitions,
  isAllowedTransition,
  leadStatuses,
  statusOf,
} from '../../src/machines/lead/lead-status.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import { LEAD_PHONE, LeadDriver } from './lead-driver.ts';
import { testIso } from '../helpers/test-clock.ts';

const definition = createLeadDefinition(new StudioRegistry(demoStudioConfig));

function envelope(event: Record<string, unknown>): Envelope {
  return {
    id: 'whatsapp:wamid.1',
    leadId: 'ld_x',
    actorType: 'lead',
    studioId: 'inkwell',
    acceptedAt: testIso('2026-11-23T09:00:00.000Z'),
    event: { at: testIso('2026-11-23T09:00:00.000Z'), type: 'x', ...event },
  };
}

describe('createLeadDefinition', () => {
  it('describes the lead actor type', () => {
    expect(definition.actorType).toBe('lead');
    expect(definition.machineVersion).toBe(4);
    expect(Object.keys(definition.snapshotMigrations)).toEqual(['1', '2', '3']);
  });

  it('derives input from the first envelope: studio, phone (from), profile name, channel', () => {
    expect(
      definition.inputFor(
        envelope({
          type: 'message.received',
          channel: 'sms',
          from: [
            { type: 'email', value: 'alex@example.com' },
            { type: 'phone', value: LEAD_PHONE },
          ],
          profileName: 'Alex',
        }),
      ),
    ).toEqual({
      studioId: 'inkwell',
      phone: LEAD_PHONE,
      name: 'Alex',
      channel: 'sms',
    });
    expect(definition.inputFor(envelope({ type: 'handover.start' }))).toEqual({
      studioId: 'inkwell',
      phone: null,
      name: null,
      channel: null,
    });
    expect(
      definition.inputFor(envelope({ type: 'campaign.send', channel: 'whatsapp', phone: LEAD_PHONE })),
    ).toEqual({ studioId: 'inkwell', phone: LEAD_PHONE, name: null, channel: 'whatsapp' });
  });

  it('projects status, current question id, normalised answers, phone, name and last inbound time', () => {
    const d = new LeadDriver();
    for (const body of ['hi', 'A fox', 'forearm', '10x15cm']) d.text(body);
    expect(definition.project(d.snapshot)).toEqual({
      status: 'QUALIFYING',
      step: 'style',
      answers: { idea: 'A fox', placement: 'forearm', dimensions: { widthCm: 10, heightCm: 15 } },
      phone: LEAD_PHONE,
      name: 'Alex',
      lastInboundAt: testIso('2026-11-23T09:00:00.000Z'),
      channel: 'whatsapp',
    });
    d.answerAll();
  });

  it('rebuilds a restorable snapshot from the denormalised row (invariant 8)', () => {
    const rebuilt = definition.rebuild?.(
      { answers: { idea: 'A fox', placement: 'forearm' }, status: 'QUALIFYING', step: 'dimensions' },
      envelope({
        type: 'message.received',
        channel: 'whatsapp',
        from: [{ type: 'phone', value: LEAD_PHONE }],
      }),
    );
    const machine: AnyStateMachine = definition.machine;
    const snapshot = createActor(machine, {
      snapshot: rebuilt as never,
    }).getSnapshot() as LeadDriver['snapshot'];
    expect(statusOf(snapshot.value)).toBe('QUALIFYING');
    expect(definition.project(snapshot)).toMatchObject({ step: 'dimensions', phone: LEAD_PHONE });
  });

  it('exports the machine definition as JSON (for `machines export`)', () => {
    const json = JSON.stringify(definition.machine.toJSON());
    for (const status of leadStatuses) expect(json).toContain(`"${status}"`);
  });
});

describe('allowed transitions', () => {
  it('names only known statuses and lets every status stay put', () => {
    for (const [from, targets] of Object.entries(allowedTransitions)) {
      for (const to of targets) expect(leadStatuses).toContain(to);
      expect(isAllowedTransition(from as never, from as never)).toBe(true);
    }
    expect(isAllowedTransition('NEW', 'BOOKED')).toBe(false);
    expect(isAllowedTransition('OPTED_OUT', 'STALE')).toBe(false);
  });
});

describe('deposit checkout expiry', () => {
  it('is capped to what Stripe accepts (30 minutes to 24 hours)', () => {
    const at = testIso('2026-11-23T09:00:00.000Z');
    expect(checkoutExpiresAt(at, 60_000)).toBe(testIso('2026-11-23T09:30:00.000Z'));
    expect(checkoutExpiresAt(at, 3 * 86_400_000)).toBe(testIso('2026-11-24T09:00:00.000Z'));
    expect(checkoutExpiresAt(at, 2 * 3_600_000)).toBe(testIso('2026-11-23T11:00:00.000Z'));
  });
});

describe('several studios in one deployment', () => {
  it("each lead is served with its own studio's questions, currency and deposit", () => {
    const base = demoStudioConfig.studios[0]!;
    const second = {
      ...base,
      id: 'harbour',
      name: 'Harbour Ink',
      whatsapp: { ...base.whatsapp, phoneNumberId: '110000000000002' },
      currency: 'EUR',
      questions: [
        { id: 'idea' as const, prompt: 'What would you like?' },
        { id: 'budget' as const, prompt: 'And your budget?' },
      ],
      deposit: { ...base.deposit, amount: 7000 },
    };
    const d = new LeadDriver({ studios: [base, second] }, 'harbour');
    for (const body of ['hallo', 'A lighthouse', '300']) d.text(body);
    expect(d.take()).toEqual([
      ['in', 'hallo'],
      [
        'out',
        "Hi Alex! Thanks for getting in touch with Harbour Ink. I'll ask you a few quick questions.\n\nWhat would you like?",
      ],
      ['in', 'A lighthouse'],
      ['out', 'And your budget?'],
      ['in', '300'],
      [
        'out',
        "Thanks! Here's a summary of your request:\n• Idea: A lighthouse\n• Budget: €300.00\nThe artist will review it and get back to you here soon.",
      ],
      ['artist', expect.stringContaining('approval: New tattoo request from Alex')],
    ]);
    expect(d.status).toBe('PENDING_APPROVAL');
    d.control({ type: 'artist.approve' });
    expect(d.effects[0]).toMatchObject({
      type: 'effect.deposit.create_checkout',
      studioId: 'harbour',
      amount: 7000,
      currency: 'EUR',
    });
  });
});
