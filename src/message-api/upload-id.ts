/** The id of an image uploaded to the message API: `upl_` and 128 random bits in hex. */
export const UPLOAD_ID = /^upl_[0-9a-f]{32}$/;
