// Where to go after sign-in: only a path on this same origin, decided by the URL parser itself.

/**
 * The `next` value as a same-origin path ("/assessment?id=…"), or null when it is anything else.
 * The string is parsed as a URL against this origin, so a backslash, a tab or a newline (which the
 * parser folds into "//other-host") cannot smuggle another origin past a prefix check.
 */
export function safeNext(next, origin) {
  if (typeof next !== "string" || next.length === 0 || next.length > 2000) return null;
  if (!next.startsWith("/") || next.startsWith("//")) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return null;
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  if (url.origin !== new URL(origin).origin) return null;
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("/") && !path.startsWith("//") ? path : null;
}
