// Studios of one deployment, looked up by id (actors, effects) or WhatsApp phoneNumberId (gateway).
import type { Studio, StudioConfig } from './studio-schema.ts';

export class StudioRegistry {
  readonly #byId = new Map<string, Studio>();
  readonly #byPhoneNumberId = new Map<string, Studio>();

  constructor(config: StudioConfig) {
    for (const studio of config.studios) {
      this.#byId.set(studio.id, studio);
      this.#byPhoneNumberId.set(studio.whatsapp.phoneNumberId, studio);
    }
  }

  byId(id: string): Studio | undefined {
    return this.#byId.get(id);
  }

  byPhoneNumberId(phoneNumberId: string): Studio | undefined {
    return this.#byPhoneNumberId.get(phoneNumberId);
  }

  all(): readonly Studio[] {
    return [...this.#byId.values()];
  }
}
