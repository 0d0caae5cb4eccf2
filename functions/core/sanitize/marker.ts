/** What every redacted value becomes. Contains no character any pattern treats as part of a credential. */
export const REDACTED = '<redacted>';

/** What {@link Sanitizer.url} returns for input the WHATWG URL parser rejects (or an opaque URL with no host). */
export const INVALID_URL = '<invalid url>';
