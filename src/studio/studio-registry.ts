// Studios of one deployment, looked up by id (actors, effects), WhatsApp phoneNumberId or SMS number /
// OpenPhone phoneNumberId (gateway webhooks).
import type { SmsNumber, Studio, StudioConfig } from './studio-schema.ts';

/** A studio's SMS number and the studio it belongs to. */
export interface StudioSmsNumber {
  studio: Studio;
  entry: SmsNumber;
}

export class StudioRegistry {
  readonly #byId = new Map<string, Studio>();
  readonly #byPhoneNumberId = new Map<string, Studio>();
  readonly #bySmsNumber = new Map<string, StudioSmsNumber>();
  readonly #byOpenPhoneId = new Map<string, StudioSmsNumber>();

  constructor(config: StudioConfig) {
    for (const studio of config.studios) {
      this.#byId.set(studio.id, studio);
      this.#byPhoneNumberId.set(studio.whatsapp.phoneNumberId, studio);
      for (const entry of studio.sms ?? []) {
        this.#bySmsNumber.set(entry.number, { studio, entry });
        if (entry.provider === 'openphone') this.#byOpenPhoneId.set(entry.phoneNumberId, { studio, entry });
      }
    }
  }

  byId(id: string): Studio | undefined {
    return this.#byId.get(id);
  }

  byPhoneNumberId(phoneNumberId: string): Studio | undefined {
    return this.#byPhoneNumberId.get(phoneNumberId);
  }

  /** The studio whose SMS number (E.164) this is, with its entry (provider). */
  bySmsNumber(number: string): StudioSmsNumber | undefined {
    return this.#bySmsNumber.get(number);
  }

  /** The studio whose OpenPhone number has this id (PN…). */
  byOpenPhoneNumberId(phoneNumberId: string): StudioSmsNumber | undefined {
    return this.#byOpenPhoneId.get(phoneNumberId);
  }

  all(): readonly Studio[] {
    return [...this.#byId.values()];
  }
}
