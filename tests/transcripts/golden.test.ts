// Golden conversations through the REAL runtime: single-node in-process bus, actor host, real PostgreSQL.
// What the lead was sent is read back from the transcript table; statuses from the leads table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../src/domain/envelope.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import type { Runtime } from '../helpers/runtime-harness.ts';
import { RuntimeConversation, startLeadRuntime } from './runtime-conversation.ts';
import { scenarios } from './scenarios.ts';

let rt: Runtime;
beforeAll(async () => {
  rt = await startLeadRuntime();
});
afterAll(async () => {
  await rt.stop();
});

describe('golden conversations (real runtime)', () => {
  Object.entries(scenarios).forEach(([name, scenario], i) => {
    it(name, async () => {
      // One lead per scenario (its own phone number) on one shared runtime and database.
      const conversation = await RuntimeConversation.start({ rt, phone: `+4477009${String(10000 + i)}` });
      await scenario(conversation);
    });
  });
});

describe('idempotency through the runtime (rule 10)', () => {
  it('a redelivered provider message is applied once', async () => {
    const phone = '+447700988888';
    const conversation = await RuntimeConversation.start({ rt, phone });
    await conversation.text('hi');
    const at = new Date(conversation.now).toISOString();
    const envelope: Envelope = {
      id: 'whatsapp:wamid.redelivered',
      leadId: leadIdFor('inkwell', phone),
      actorType: 'lead',
      studioId: 'inkwell',
      acceptedAt: at,
      event: {
        type: 'message.received',
        channel: 'whatsapp',
        provider: 'meta',
        at,
        messageId: 'wamid.redelivered',
        from: [{ type: 'phone', value: phone }],
        sentAt: at,
        content: { kind: 'text', text: 'A fox on a branch' },
      },
      transcript: { direction: 'in', kind: 'text', text: 'A fox on a branch' },
    };
    for (let i = 0; i < 3; i++) {
      await rt.publish(envelope);
      await rt.idle();
    }
    expect(await conversation.take()).toEqual([
      ['in', 'hi'],
      ['out', expect.stringContaining('Tell us about your tattoo idea.')],
      ['in', 'A fox on a branch'],
      ['out', 'Where on your body would it go?'],
    ]);
    expect(await conversation.answers()).toEqual({ idea: 'A fox on a branch' });
  });
});
