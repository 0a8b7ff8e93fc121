// One provider medium downloaded by URL (Twilio MMS, OpenPhone): providers answer with a redirect to their
// storage, so a few redirects are followed, and the credentials go only to the URL's own host (never after
// a redirect elsewhere). 404/410 is an expired medium (permanent); any other status is the provider's error.
import type { IncomingHttpHeaders } from 'node:http';
import { permanent, type EffectError } from '../effect-errors.ts';
import { httpRequest, type HttpTimeouts } from '../http-request.ts';

const MAX_REDIRECTS = 4;

export interface DownloadedMedium {
  bytes: Buffer;
  mimeType: string | undefined;
}

export async function downloadMedium(options: {
  /** Who serves it, for the error messages ("Twilio", "OpenPhone"). */
  provider: string;
  url: string;
  maxBytes: number;
  timeouts: HttpTimeouts;
  /** Headers for the URL's own host only (e.g. `authorization`); empty for none. */
  credentials: Record<string, string>;
  error: (status: number, headers: IncomingHttpHeaders, body: Buffer) => EffectError;
}): Promise<DownloadedMedium> {
  const origin = new URL(options.url).host;
  let target = options.url;
  for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
    const res = await httpRequest({
      method: 'GET',
      url: target,
      headers: new URL(target).host === origin ? options.credentials : {},
      timeouts: options.timeouts,
      maxBytes: options.maxBytes,
    });
    const location = res.headers.location;
    if (res.status >= 300 && res.status < 400 && location) {
      target = new URL(location, target).toString();
      continue;
    }
    if (res.status === 404 || res.status === 410)
      throw permanent(`${options.provider} medium not found`, { reason: 'media_expired' });
    if (res.status !== 200) throw options.error(res.status, res.headers, res.body);
    const type = res.headers['content-type'];
    return { bytes: res.body, mimeType: typeof type === 'string' ? type : undefined };
  }
  throw permanent(`${options.provider} medium: too many redirects`, { reason: 'download_failed' });
}
