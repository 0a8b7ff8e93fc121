// The Conversation through the REAL runtime: single-node in-process bus, actor host, real PostgreSQL.
// Inbound messages are published as the gateway would (with their transcript entry); effect results as the
// outbox relay would; due timers by the scheduler's own `fireDueTimers`. What the lead was sent is read back
// from the transcript table, artist notifications and checkouts from outbox rows.
import { randomUUID } from 'node:crypto';
import type { Effect } from '../../src/domain/effects.ts';
import type { Envelope } from '../../src/domain/envelope.ts';
import { leadIdFor } from '../../src/domain/ids.ts';
import type { TranscriptEntry } from '../../src/domain/transcript.ts';
import { createLeadDefinition } from '../../src/machines/lead/lead-definition.ts';
import { demoStudioConfig } from '../../src/studio/load-studio-config.ts';
import { StudioRegistry } from '../../src/studio/studio-registry.ts';
import type { Db } from '../../src/persistence/database.ts';
import { startRuntime, type Runtime } from '../helpers/runtime-harness.ts';
import { LEAD_PHONE, START, withChoices } from '../machines/lead-driver.ts';
import type { ControlInput, Conversation, Line } from './conversation.ts';

const STUDIO = 'inkwell';

/** The real runtime hosting the lead actor type for the demo studio. */
export function startLeadRuntime(clock?: () => Date): Promise<Runtime> {
  return startRuntime({
    definitions: [createLeadDefinition(new StudioRegistry(demoStudioConfig))],
    ...(clock ? { host: { clock } } : {}),
  });
}

export class RuntimeConversation implements Conversation {
  readonly rt: Runtime;
  readonly leadId: string;
  readonly phone: string;
  now = START;
  #seq = 0;
  #lastTranscriptId = '0';

  readonly #ownsRuntime: boolean;

  private constructor(rt: Runtime, phone: string, ownsRuntime: boolean) {
    this.#ownsRuntime = ownsRuntime;
    this.rt = rt;
    this.phone = phone;
    this.leadId = leadIdFor(STUDIO, phone);
  }

  /** One runtime can hold many conversations (one per phone number): pass `rt` to share it. */
  // A runtime of its own runs on the conversation's clock (one clock for host, relay and timers, as in
  // production); a shared runtime keeps the wall clock, since its conversations' clocks differ.
  static async start(options: { rt?: Runtime; phone?: string } = {}): Promise<RuntimeConversation> {
    const holder: { conversation?: RuntimeConversation } = {};
    const rt = options.rt ?? (await startLeadRuntime(() => new Date(holder.conversation?.now ?? START)));
    holder.conversation = new RuntimeConversation(rt, options.phone ?? LEAD_PHONE, options.rt === undefined);
    return holder.conversation;
  }

  get db(): Db {
    return this.rt.db;
  }

  get #at(): string {
    return new Date(this.now).toISOString();
  }

  async #publish(id: string, event: Record<string, unknown>, transcript?: TranscriptEntry): Promise<void> {
    const envelope: Envelope = {
      id,
      leadId: this.leadId,
      actorType: 'lead',
      studioId: STUDIO,
      acceptedAt: this.#at,
      event: { at: this.#at, ...event } as Envelope['event'],
      ...(transcript ? { transcript } : {}),
    };
    await this.rt.publish(envelope);
    await this.rt.idle();
  }

  async #inbound(content: Record<string, unknown>, transcript: TranscriptEntry, sentAt = this.#at) {
    this.#seq += 1;
    const wamid = `wamid.${this.leadId}.${this.#seq}`;
    await this.#publish(
      `whatsapp:${wamid}`,
      {
        type: 'message.received',
        channel: 'whatsapp',
        provider: 'meta',
        messageId: wamid,
        from: [{ type: 'phone', value: this.phone }],
        profileName: 'Alex',
        sentAt,
        content,
      },
      { ...transcript, providerMessageId: wamid },
    );
  }

  text(body: string): Promise<void> {
    return this.#inbound({ kind: 'text', text: body }, { direction: 'in', kind: 'text', text: body });
  }

  image(mediaId: string, caption?: string): Promise<void> {
    return this.#inbound(
      { kind: 'image', mediaId, mimeType: 'image/jpeg', ...(caption ? { caption } : {}) },
      { direction: 'in', kind: 'image', text: null, data: { mediaId } },
    );
  }

  /** As the gateway maps a button or list reply (src/gateway/webhooks/whatsapp-content.ts). */
  tap(id: string, title: string): Promise<void> {
    return this.#inbound(
      { kind: 'interactive', id, title },
      { direction: 'in', kind: 'interactive', text: title, data: { id } },
    );
  }

  textSentAgo(body: string, ageMs: number): Promise<void> {
    return this.#inbound(
      { kind: 'text', text: body },
      { direction: 'in', kind: 'text', text: body },
      new Date(this.now - ageMs).toISOString(),
    );
  }

  async wait(ms: number): Promise<void> {
    this.now += ms;
    await this.rt.fireTimers(new Date(this.now));
  }

  control(event: ControlInput): Promise<void> {
    return this.#publish(`admin:${randomUUID()}`, { ...event });
  }

  async #lead() {
    return this.db.selectFrom('leads').selectAll().where('id', '=', this.leadId).executeTakeFirstOrThrow();
  }

  async status(): Promise<string> {
    return (await this.#lead()).status;
  }

  async answers(): Promise<Record<string, unknown>> {
    return (await this.#lead()).answers;
  }

  async take(): Promise<Line[]> {
    const rows = await this.db
      .selectFrom('transcript')
      .select(['id', 'direction', 'kind', 'text', 'data'])
      .where('lead_id', '=', this.leadId)
      .where('id', '>', this.#lastTranscriptId)
      .orderBy('id')
      .execute();
    const last = rows.at(-1);
    if (last) this.#lastTranscriptId = last.id;
    return rows.map((row) => {
      const template = row.data?.template;
      const options = row.data?.options;
      if (
        row.direction === 'out' &&
        row.kind === 'interactive' &&
        row.text !== null &&
        Array.isArray(options)
      )
        return [row.direction, withChoices(row.text, options as { title: string }[])];
      const text =
        row.text ??
        (row.kind === 'template' && typeof template === 'string'
          ? `[template ${template}]`
          : `[${row.kind}]`);
      return [row.direction, text];
    });
  }

  async effects<T extends Effect['type']>(type: T): Promise<Extract<Effect, { type: T }>[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select('payload')
      .where('lead_id', '=', this.leadId)
      .where('kind', '=', type)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.payload as unknown as Extract<Effect, { type: T }>);
  }

  async systemEvents(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('system_events')
      .select('type')
      .where('lead_id', '=', this.leadId)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.type);
  }

  close(): Promise<void> {
    return this.#ownsRuntime ? this.rt.stop() : Promise.resolve();
  }
}
