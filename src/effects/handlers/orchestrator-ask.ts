// effect.orchestrator.ask → one chat completions call to the studio's orchestrator with the lead's recent
// conversation, fed back as `orchestrator.answered` with its token usage (recorded per lead, session and
// model, keyed by this outbox row so a retried effect is counted once). A lead is never left waiting on
// it: past the session's token budget no call is made, and an error, a non-2xx or a timeout is not retried
// (a late answer is worse than none); each is answered with the studio's defaultReply and a system event
// (`orchestrator.budget_exceeded`, `orchestrator.failed`, `orchestrator.timeout`).
import { sanitize } from '../../domain/sanitize.ts';
import type { Db } from '../../persistence/database.ts';
import { recordSystemEvent } from '../../persistence/system-events.ts';
import { ChatFailure, type AskChat } from '../../orchestrator/chat-client.ts';
import { chatMessages } from '../../orchestrator/conversation.ts';
import type { OrchestratorEvent } from '../../orchestrator/outcomes.ts';
import { recentTurns } from '../../orchestrator/recent-turns.ts';
import { recordUsage, tokensSpent } from '../../orchestrator/usage-store.ts';
import type { OrchestratorConfig } from '../../studio/studio-schema.ts';
import { permanent } from '../effect-errors.ts';
import type { EffectContext, EffectHandler, EffectOf, EffectSuccess } from '../effect-handler.ts';

type Ask = EffectOf<'effect.orchestrator.ask'>;
type Fallback = 'failed' | 'timeout' | 'budget_exceeded';

function defaultReply(ctx: EffectContext<Ask>, config: OrchestratorConfig, outcome: Fallback): EffectSuccess {
  const { effect } = ctx;
  return {
    result: { outcome },
    feedback: {
      type: 'orchestrator.answered',
      purpose: effect.purpose,
      inReplyTo: effect.inReplyTo,
      text: config.defaultReply,
      outcome,
      usage: null,
    },
  };
}

async function overBudget(db: Db, ctx: EffectContext<Ask>, budget: number): Promise<number | null> {
  const { effect, studio } = ctx;
  const spent = await tokensSpent(
    db,
    effect.sessionId !== undefined
      ? { sessionId: effect.sessionId }
      : {
          leadId: ctx.leadId,
          channel: effect.channel,
          since: new Date(ctx.now.getTime() - studio.sessionTimeout),
        },
  );
  return spent >= budget ? spent : null;
}

export function orchestratorAskHandler(db: Db, ask: AskChat): EffectHandler<Ask> {
  return {
    provider: 'orchestrator',
    async execute(ctx) {
      const { effect, studio } = ctx;
      const config = studio.orchestrator;
      if (config === undefined) {
        throw permanent(`studio ${studio.id} has no orchestrator configured`, { reason: 'not_configured' });
      }
      const event = { leadId: ctx.leadId, at: ctx.now };
      const base = {
        outboxId: ctx.outboxId,
        studioId: studio.id,
        model: config.model,
        purpose: effect.purpose,
      };
      if (config.budgetTokensPerSession !== undefined) {
        const spent = await overBudget(db, ctx, config.budgetTokensPerSession);
        if (spent !== null) {
          await recordSystemEvent(db, {
            ...event,
            level: 'warn',
            type: 'orchestrator.budget_exceeded' satisfies OrchestratorEvent,
            payload: {
              ...base,
              sessionId: effect.sessionId ?? null,
              spent,
              budget: config.budgetTokensPerSession,
            },
          });
          return defaultReply(ctx, config, 'budget_exceeded');
        }
      }
      const messages = chatMessages(
        {
          studioName: studio.name,
          purpose: effect.purpose,
          text: effect.text,
          question: effect.question,
          answers: effect.answers,
          systemPrompt: config.systemPrompt,
        },
        await recentTurns(db, ctx.leadId),
      );
      let answer;
      try {
        answer = await ask({ url: config.url, model: config.model, timeoutMs: config.timeout, messages });
      } catch (error) {
        // Anything else (a bug, the database) is the relay's to retry.
        if (!(error instanceof ChatFailure)) throw error;
        await recordSystemEvent(db, {
          ...event,
          level: error.kind === 'timeout' ? 'warn' : 'error',
          type: (error.kind === 'timeout'
            ? 'orchestrator.timeout'
            : 'orchestrator.failed') satisfies OrchestratorEvent,
          payload: { ...base, status: error.status, error: error.message, timeoutMs: config.timeout },
        });
        return defaultReply(ctx, config, error.kind);
      }
      const usage = {
        model: answer.model,
        promptTokens: answer.promptTokens,
        completionTokens: answer.completionTokens,
      };
      await recordUsage(
        db,
        {
          ...usage,
          outboxId: ctx.outboxId,
          studioId: studio.id,
          leadId: ctx.leadId,
          sessionId: effect.sessionId ?? null,
          channel: effect.channel,
          at: ctx.now,
        },
        config.pricing,
      );
      return {
        result: { outcome: 'answered', ...usage },
        feedback: {
          type: 'orchestrator.answered',
          purpose: effect.purpose,
          inReplyTo: effect.inReplyTo,
          // What a model writes is stored and sent like any text a sender controls.
          text: sanitize(answer.text, 'text'),
          outcome: 'answered',
          usage,
        },
      };
    },
  };
}
