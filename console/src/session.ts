/**
 * The read token, for this tab only. sessionStorage dies with the tab and is never sent
 * anywhere by the browser; the token goes out only as `Authorization: Bearer` on our own
 * same-origin fetches (api.ts). Never in a URL (no query parameter, no hash) and never in
 * localStorage, so it does not outlive the tab or leak through history, Referer or logs.
 */
const KEY = "driftline.readToken";

/** The token of this tab's session, or null when signed out. */
export function readToken(): string | null {
  return sessionStorage.getItem(KEY);
}

/** Signs in: keeps `token` for this tab. */
export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
}

/** Signs out: forgets the token. */
export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
