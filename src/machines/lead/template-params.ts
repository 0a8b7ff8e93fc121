// What a funnel template is sent with: its language (the lead's, when known and one the studio's templates
// are approved in, else the studio's) and its body parameters, filled from the lead as the studio's
// `templateParams` say. Pure: everything comes from the studio configuration and the lead's context.
import type { Studio, TemplateParam, TemplateValue } from '../../studio/studio-schema.ts';
import type { LeadContext } from './lead-context.ts';
import { slotLabel } from './slot-offers.ts';
import { formatAmount } from './summary.ts';
import type { TemplateKind } from './turn.ts';

/** A value the lead has no answer for yet: Meta refuses an empty parameter. */
const FALLBACKS: Readonly<Record<TemplateValue, string>> = {
  'lead.name': 'there',
  'lead.firstName': 'there',
  'studio.name': '',
  'deposit.amount': '',
  slot: 'soon',
};

/** "de-AT", "pt_br", "EN" → "de_AT", "pt_BR", "en" (Meta's spelling of a language code). */
function metaCode(language: string): string {
  const [primary = '', region] = language.trim().split(/[-_]/);
  return region === undefined ? primary.toLowerCase() : `${primary.toLowerCase()}_${region.toUpperCase()}`;
}

/**
 * The language to send the studio's templates in to a lead: the lead's own when it is one of the studio's
 * `languages` (exactly, else by its primary language: a "de-AT" lead gets "de"), else the studio's
 * `language` (default en). A language the studio has no approved templates in would be refused by Meta.
 */
export function templateLanguage(studio: Studio, leadLanguage: string | null | undefined): string {
  if (leadLanguage === null || leadLanguage === undefined || leadLanguage.trim() === '')
    return studio.language;
  const approved = studio.languages ?? [studio.language];
  const wanted = metaCode(leadLanguage);
  const primary = wanted.split('_')[0];
  return (
    approved.find((code) => code === wanted) ??
    approved.find((code) => code.split('_')[0] === primary) ??
    studio.language
  );
}

function valueOf(value: TemplateValue, studio: Studio, context: LeadContext): string | undefined {
  switch (value) {
    case 'lead.name':
      return context.name?.trim() || undefined;
    case 'lead.firstName':
      return context.name?.trim().split(/\s+/)[0] || undefined;
    case 'studio.name':
      return studio.name;
    case 'deposit.amount':
      return formatAmount(studio.deposit.amount, studio.currency);
    case 'slot': {
      const { booked, chosen, offered } = context.slots;
      const slot = booked ?? chosen ?? offered[0];
      return slot === undefined ? undefined : slotLabel(slot, studio.timezone);
    }
  }
}

/** The body parameters of a funnel template for this lead, in order. */
export function templateParams(kind: TemplateKind, studio: Studio, context: LeadContext): string[] {
  return studio.templateParams[kind].map((param: TemplateParam) => {
    const [value, fallback] = typeof param === 'string' ? [param, undefined] : [param.value, param.fallback];
    return valueOf(value, studio, context) ?? fallback ?? FALLBACKS[value];
  });
}
