// Golden conversations through the REAL runtime: single-node in-process bus, actor host, real PostgreSQL.
// What the lead was sent is read back from the transcript table; statuses from the leads table.
import { afterAll, beforeAll, describe, it } from 'vitest';
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
