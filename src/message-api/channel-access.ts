// Which studio a message-API request is for, and whether this channel may reach it: an unknown studio or
// one with `active: false` is STUDIO_NOT_FOUND on every channel; /api and /app need the studio's apiKey
// (X-API-Key or Bearer, compared in constant time); /web needs the studio's `web` block, and a browser's
// Origin must be one of its allowedOrigins (requests without an Origin, from servers, pass).
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../gateway/errors.ts';
import { keyMatches, presentedKey } from '../gateway/plugins/auth.ts';
import type { StudioRegistry } from '../studio/studio-registry.ts';
import type { Studio } from '../studio/studio-schema.ts';
import type { SessionChannel } from '../sessions/session-store.ts';

export function activeStudio(studios: StudioRegistry, studioId: string): Studio {
  const studio = studios.byId(studioId);
  if (studio === undefined || !studio.active) {
    throw new GatewayError('STUDIO_NOT_FOUND', { message: `No active studio "${studioId}"` });
  }
  return studio;
}

function webAccess(studio: Studio, request: FastifyRequest): void {
  if (studio.web === undefined) {
    throw new GatewayError('STUDIO_NOT_FOUND', { message: `Studio "${studio.id}" takes no web messages` });
  }
  const origin = request.headers.origin;
  // The gateway's own pages (the web chat at /chat/:studioId) are same-origin and always allowed.
  const own = `${request.protocol}://${request.host}`;
  if (origin !== undefined && origin !== own && !studio.web.allowedOrigins.includes(origin)) {
    throw new GatewayError('ORIGIN_NOT_ALLOWED', { details: { origin } });
  }
}

function keyAccess(studio: Studio, request: FastifyRequest): void {
  if (!keyMatches(studio.apiKey, presentedKey(request))) throw new GatewayError('UNAUTHORIZED');
}

interface ChannelAccess {
  check(studio: Studio, request: FastifyRequest): void;
  /** Messages without an identifier get a generated deviceId instead of IDENTITY_REQUIRED. */
  acceptsGuests(studio: Studio): boolean;
}

/** One access rule per message-API channel. */
export const channelAccess: Readonly<Record<SessionChannel, ChannelAccess>> = {
  web: { check: webAccess, acceptsGuests: (studio) => studio.web?.acceptGuests === true },
  app: { check: keyAccess, acceptsGuests: () => false },
  api: { check: keyAccess, acceptsGuests: () => false },
};
