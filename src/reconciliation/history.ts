// A provider's message history as reconciliation reads it: one page per call, provider-neutral messages,
// and an opaque cursor (JSON, stored in the run row after each page) that says where the next page starts.
import type { SmsMedium, SmsProvider } from '../gateway/webhooks/sms-inbound.ts';

/** One SMS number a run reconciles: the studio's number at its provider. */
export interface ReconcileNumber {
  studioId: string;
  provider: SmsProvider;
  /** E.164. */
  number: string;
  /** OpenPhone's id of the number (PN…). */
  phoneNumberId?: string | undefined;
}

export interface HistoryMessage {
  provider: SmsProvider;
  /** The provider's message id (Twilio MessageSid, OpenPhone AC…). */
  id: string;
  /** `in`: a lead wrote to our number; `out`: our number sent it. */
  direction: 'in' | 'out';
  from: string;
  to: string;
  text: string;
  media: SmsMedium[];
  /** When the provider says it was sent (ISO). */
  sentAt: string;
}

export type HistoryCursor = Record<string, unknown>;

export interface HistoryPage {
  messages: HistoryMessage[];
  /** Where the next page starts; null when the history of the window has been read. */
  next: HistoryCursor | null;
}

export interface HistorySource {
  /** One request's worth of the number's history since `since`, from `cursor` (null: the beginning). */
  page(number: ReconcileNumber, since: Date, cursor: HistoryCursor | null): Promise<HistoryPage>;
}

/** The sources by provider; a provider without one (no credentials) fails its numbers' part of the run. */
export type HistorySources = Partial<Record<SmsProvider, HistorySource>>;
