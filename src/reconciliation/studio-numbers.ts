// The SMS numbers to reconcile (and probe): every studio's `sms` entries, or one studio's.
import type { ReconcileNumber } from './history.ts';

/** The part of a studio this needs (structural: any studio with optional SMS numbers). */
export interface StudioWithSms {
  id: string;
  sms?: readonly { provider: 'twilio' | 'openphone'; number: string; phoneNumberId?: string }[] | undefined;
}

export function reconcileNumbersOf(studios: readonly StudioWithSms[], studioId?: string): ReconcileNumber[] {
  return studios
    .filter((s) => studioId === undefined || s.id === studioId)
    .flatMap((s) =>
      (s.sms ?? []).map((entry) => ({
        studioId: s.id,
        provider: entry.provider,
        number: entry.number,
        ...(entry.phoneNumberId === undefined ? {} : { phoneNumberId: entry.phoneNumberId }),
      })),
    );
}

/** The studio's default SMS sender: its first number (a send without `from` leaves from it). */
export function defaultSenderOf(studios: readonly StudioWithSms[], studioId: string): string | undefined {
  return studios.find((s) => s.id === studioId)?.sms?.[0]?.number;
}
