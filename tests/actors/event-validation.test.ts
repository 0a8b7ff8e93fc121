// Events are validated where they enter the runtime (src/actors/decode-envelope.ts): the host parses each
// envelope's event with the schema of the actor type it is addressed to (the lead machine's is
// leadEventSchema). An event that fails is a dead letter with the failing field as its cause, at once,
// and the lead carries on with its next message; it is never applied, parked or retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeDecoder } from '../../src/actors/decode-envelope.ts';
import { listDeadLetters } from '../../src/actors/dead-letters.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { testCounterDefinition } from '../../src/machines/test-counter/test-counter-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import type { Runtime } from '../helpers/runtime-harness.ts';
import { RuntimeConversation, startLeadRuntime } from '../transcripts/runtime-conversation.ts';

const AT = '2026-12-03T09:00:00.000Z';
const PHONE = '+447700955577';
const lead = createLeadDefinition(new StudioRegistry(demoStudioConfig));

function leadEnvelope(id: string, leadId: string, event: Record<string, unknown>): Envelope {
  return {
    id,
    leadId,
    actorType: 'lead',
    studioId: 'inkwell',
    acceptedAt: AT,
    event: { at: AT, ...event } as Envelope['event'],
  };
}

const received = (messageId: string, content: Record<string, unknown>) => ({
  type: 'message.received',
  channel: 'whatsapp',
  provider: 'meta',
  messageId,
  from: [{ type: 'phone', value: PHONE }],
  sentAt: AT,
  content,
});

describe('the host decode', () => {
  const decode = envelopeDecoder([lead, testCounterDefinition]);

  it("parses a lead envelope's event with the lead machine's schema", () => {
    const message = decode(
      leadEnvelope('whatsapp:wamid.1', 'ld_1', received('wamid.1', { kind: 'text', text: 'hi' })),
    );
    expect(message.invalid).toBeUndefined();
    expect(message.envelope.event).toMatchObject({ type: 'message.received', content: { text: 'hi' } });
  });

  it('names the failing field of an event the schema refuses', () => {
    const bad = decode(leadEnvelope('whatsapp:wamid.2', 'ld_1', received('wamid.2', { kind: 'text' })));
    expect(bad.invalid).toMatch(/^event\.content\.text: /);
    expect(bad.envelope).toMatchObject({ id: 'whatsapp:wamid.2', leadId: 'ld_1', actorType: 'lead' });
    const unknown = decode(leadEnvelope('admin:x', 'ld_1', { type: 'lead.teleport' }));
    expect(unknown.invalid).toMatch(/^event\.type: /);
  });

  it('upcasts a legacy event before parsing it', () => {
    const legacy = decode(
      leadEnvelope('whatsapp:wamid.3', 'ld_1', {
        type: 'whatsapp.message',
        messageId: 'wamid.3',
        from: PHONE,
        sentAt: AT,
        content: { kind: 'text', text: 'hi' },
      }),
    );
    expect(legacy.invalid).toBeUndefined();
    expect(legacy.envelope.event).toMatchObject({ type: 'message.received', channel: 'whatsapp' });
  });

  it('an actor type without an event schema gets the envelope check only', () => {
    const message = decode({
      ...leadEnvelope('test:1', 'ld_1', { type: 'test.anything' }),
      actorType: 'test',
    });
    expect(message.invalid).toBeUndefined();
    expect(decode({ id: 'x', leadId: 'ld_1' }).invalid).toMatch(/^(studioId|acceptedAt|event)/);
  });
});

describe('an invalid lead event on the bus', () => {
  let rt: Runtime;
  beforeAll(async () => {
    rt = await startLeadRuntime();
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('is a dead letter with its cause at once, and the lead answers its next message', async () => {
    const conversation = await RuntimeConversation.start({ rt, phone: PHONE });
    await conversation.text('hi');
    const before = await conversation.take();
    expect(before.length).toBeGreaterThan(1);
    const status = await conversation.status();

    await rt.publish(
      leadEnvelope('whatsapp:wamid.bad', conversation.leadId, received('wamid.bad', { kind: 'text' })),
    );
    await rt.idle();

    const dead = await listDeadLetters(rt.db, { leadId: conversation.leadId });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ messageId: 'whatsapp:wamid.bad', attempts: 1 });
    expect(dead[0]?.error).toMatch(/invalid envelope: event\.content\.text: /);
    expect(await conversation.systemEvents()).toContain('runtime.dead_letter');
    const parked = await rt.db
      .selectFrom('lead_retries')
      .select('seq')
      .where('lead_id', '=', conversation.leadId)
      .execute();
    expect(parked).toEqual([]);
    expect(await conversation.status()).toBe(status);
    expect(await conversation.take()).toEqual([]);

    // Not blocked: the next message is applied and answered as usual.
    await conversation.text('A fox on a branch');
    expect(await conversation.take()).toEqual([
      ['in', 'A fox on a branch'],
      ['out', 'Where on your body would it go?'],
    ]);
  });
});
