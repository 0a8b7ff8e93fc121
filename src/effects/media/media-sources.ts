// Where a lead's media is fetched from, by the provider that carried the message: Meta's Graph API (media id
// → metadata → short-lived URL, bearer token), or Twilio (an MMS medium URL, Basic auth, only on Twilio's
// own hosts), or OpenPhone (a medium URL, the API key only on OpenPhone's hosts). Each returns the bytes and what it learned of them; checks and storage are the handler's.
import type { Provider } from '../../domain/lead-events.ts';
import { permanent } from '../effect-errors.ts';
import type { OpenphoneClient } from '../openphone/openphone-client.ts';
import type { TwilioClient } from '../twilio/twilio-client.ts';
import type { GraphClient } from '../whatsapp/graph-client.ts';
import { baseMimeType, mediaKindFor, type MediaKind } from './media-policy.ts';
import type { MediaStore } from './media-store.ts';
import type { Db } from '../../persistence/database.ts';

export interface FetchedMedia {
  bytes: Buffer;
  mimeType: string;
  kind: MediaKind;
  /** The provider's digest of the bytes, when it gives one. */
  sha256?: string | undefined;
}

export type MediaSource = (media: {
  mediaId: string;
  mimeType?: string | undefined;
}) => Promise<FetchedMedia>;

function kindOf(mimeType: string): MediaKind {
  const kind = mediaKindFor(mimeType);
  if (!kind) throw permanent(`unsupported media type ${mimeType}`, { reason: 'unsupported_type' });
  return kind;
}

export function graphMediaSource(graph: GraphClient): MediaSource {
  return async ({ mediaId }) => {
    const info = await graph.getMedia(mediaId);
    const mimeType = baseMimeType(info.mime_type);
    const kind = kindOf(mimeType);
    if (info.file_size !== undefined && info.file_size > kind.maxBytes)
      throw permanent(`${info.file_size} bytes is over the ${kind.maxBytes} limit`, { reason: 'too_large' });
    if (info.file_size === 0) throw permanent('empty media file', { reason: 'empty' });
    const bytes = await graph.download(info.url, kind.maxBytes);
    return { bytes, mimeType, kind, sha256: info.sha256 };
  };
}

/** Twilio's credentials go only to Twilio: the API base URL's host, or a *.twilio.com host. */
export function twilioMediaSource(twilio: TwilioClient, apiBaseUrl: string): MediaSource {
  const apiHost = new URL(apiBaseUrl).host;
  return async ({ mediaId, mimeType: announced }) => {
    const url = URL.canParse(mediaId) ? new URL(mediaId) : undefined;
    if (url === undefined || !(url.host === apiHost || url.hostname.endsWith('.twilio.com')))
      throw permanent('an MMS medium not on a Twilio host', { reason: 'untrusted_media_url' });
    const expected = kindOf(baseMimeType(announced ?? 'application/octet-stream'));
    const downloaded = await twilio.download(url.toString(), expected.maxBytes);
    const mimeType = baseMimeType(downloaded.mimeType ?? announced ?? '');
    return { bytes: downloaded.bytes, mimeType, kind: kindOf(mimeType) };
  };
}

/** An OpenPhone host (the API base URL's, or *.openphone.com / *.quo.com) gets the API key. */
function openphoneHost(url: URL, apiHost: string): boolean {
  const host = url.hostname;
  return (
    url.host === apiHost ||
    ['openphone.com', 'quo.com'].some((domain) => host === domain || host.endsWith(`.${domain}`))
  );
}

/**
 * OpenPhone (Quo) gives each medium of a message as a URL. On OpenPhone's own hosts it is fetched with the
 * API key (in case the URL is not pre-signed); any other HTTPS URL (a storage bucket's signed link) without
 * credentials; anything else is refused, so the key never leaves OpenPhone.
 */
export function openphoneMediaSource(openphone: OpenphoneClient, apiBaseUrl: string): MediaSource {
  const apiHost = new URL(apiBaseUrl).host;
  return async ({ mediaId, mimeType: announced }) => {
    const url = URL.canParse(mediaId) ? new URL(mediaId) : undefined;
    const ours = url !== undefined && openphoneHost(url, apiHost);
    if (url === undefined || (!ours && url.protocol !== 'https:'))
      throw permanent('an OpenPhone medium that is not an HTTPS URL', { reason: 'untrusted_media_url' });
    const expected = kindOf(baseMimeType(announced ?? 'application/octet-stream'));
    const downloaded = await openphone.download(url.toString(), expected.maxBytes, ours);
    const mimeType = baseMimeType(downloaded.mimeType ?? announced ?? '');
    return { bytes: downloaded.bytes, mimeType, kind: kindOf(mimeType) };
  };
}

/**
 * The message API's own uploads (POST /{web,app,api}/media): the bytes are already in the media store,
 * checked (type sniffed, size) when they arrived; the handler copies them into the lead's attachment.
 */
export function uploadMediaSource(db: Db, store: MediaStore): MediaSource {
  return async ({ mediaId }) => {
    const upload = await db
      .selectFrom('media_uploads')
      .select(['storage_key', 'mime_type', 'sha256'])
      .where('id', '=', mediaId)
      .executeTakeFirst();
    const bytes = upload ? await store.get(upload.storage_key) : undefined;
    if (!upload || !bytes) throw permanent('no such upload', { reason: 'media_expired' });
    return { bytes, mimeType: upload.mime_type, kind: kindOf(upload.mime_type), sha256: upload.sha256 };
  };
}

export type MediaSources = Partial<Record<Provider, MediaSource>>;
