// What media we accept, by WhatsApp's own limits: images 5 MB, audio/video 16 MB, documents 100 MB,
// stickers 500 KB. Anything else is refused as `unsupported_type`.
const MB = 1024 * 1024;

export interface MediaKind {
  maxBytes: number;
  extension: string;
}

const SUPPORTED: Record<string, MediaKind> = {
  'image/jpeg': { maxBytes: 5 * MB, extension: 'jpg' },
  'image/png': { maxBytes: 5 * MB, extension: 'png' },
  'image/webp': { maxBytes: 500 * 1024, extension: 'webp' },
  'audio/aac': { maxBytes: 16 * MB, extension: 'aac' },
  'audio/mp4': { maxBytes: 16 * MB, extension: 'm4a' },
  'audio/mpeg': { maxBytes: 16 * MB, extension: 'mp3' },
  'audio/amr': { maxBytes: 16 * MB, extension: 'amr' },
  'audio/ogg': { maxBytes: 16 * MB, extension: 'ogg' },
  'video/mp4': { maxBytes: 16 * MB, extension: 'mp4' },
  'video/3gpp': { maxBytes: 16 * MB, extension: '3gp' },
  'application/pdf': { maxBytes: 100 * MB, extension: 'pdf' },
  'text/plain': { maxBytes: 100 * MB, extension: 'txt' },
};

/** `image/jpeg; charset=…` → `image/jpeg`; `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMimeType(mimeType: string): string {
  return (mimeType.split(';')[0] ?? '').trim().toLowerCase();
}

export function mediaKindFor(mimeType: string): MediaKind | undefined {
  return SUPPORTED[baseMimeType(mimeType)];
}
