// A campaign's message reaching the lead's actor (docs/contract.md §10). It travels on the lead's ordered stream,
// so it can never race the lead's own messages, and the actor has the last word: an opted-out lead or one
// without consent is refused (`campaign.skipped`, counted by the run), anyone else gets the message, on the
// campaign's channel, to the contact's phone; it is not a direct reply (no `inReplyTo`: SMS quiet hours
// apply). A WhatsApp campaign sends an approved template, allowed outside the 24-hour window, in the
// campaign's language, else the lead's (when the studio has its templates in it), else the studio's. The
// message changes nothing in the conversation: a reply enters the funnel like any first message.
import { assertEvent } from 'xstate';
import type { OutboundMessage } from '../../domain/effects.ts';
import type { LeadEvent } from '../../domain/lead-events.ts';
import { templateLanguage } from './template-params.ts';
import type { Turn } from './turn.ts';
import type { LeadMachineEvent } from './machine-events.ts';

type CampaignSend = Extract<LeadEvent, { type: 'campaign.send' }>;
export type CampaignSkipReason = 'optedOut' | 'noConsent';

function skipped(turn: Turn, event: CampaignSend, reason: CampaignSkipReason): void {
  turn.systemEvent('info', 'campaign.skipped', {
    campaignId: event.campaignId,
    runId: event.runId,
    reason,
  });
}

export function campaignMessage(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'campaign.send');
  if (!event.consent) {
    skipped(turn, event, 'noConsent');
    return;
  }
  const message: OutboundMessage =
    event.message.kind === 'template'
      ? {
          ...event.message,
          language: event.message.language ?? templateLanguage(turn.studio, turn.context.language),
        }
      : event.message;
  turn.emit({
    type: 'effect.message.send',
    studioId: turn.studio.id,
    channel: event.channel,
    to: turn.context.phone ?? event.phone,
    message,
    campaign: { campaignId: event.campaignId, runId: event.runId },
    transcript:
      message.kind === 'template'
        ? { kind: 'template', text: null, data: { template: message.name, campaignId: event.campaignId } }
        : { kind: 'text', text: message.text, data: { campaignId: event.campaignId } },
  });
}

/** In OPTED_OUT nothing is ever sent (rule 9): the run counts the lead as opted out. */
export function campaignRefused(turn: Turn, event: LeadMachineEvent): void {
  assertEvent(event, 'campaign.send');
  skipped(turn, event, 'optedOut');
}

/** The plans of campaign sends, by the names the chart gives them (lead-plans.ts). */
export const campaignPlans = { campaignMessage, campaignRefused };
