/**
 * A URL as it may appear in findings and logs: scheme, host, port and path only. Credentials, query
 * string (tokens often travel as `?token=`) and fragment are dropped. Unparseable input gives `<invalid url>`.
 */
export function safeUrl(url: string, base?: string): string {
  try {
    const u = new URL(url, base);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
