/**
 * Sign-in: a read token (from `npm start`'s banner or READ_TOKENS), checked against the
 * Worker before it is kept, so a typo is reported here and not as a failure on every page.
 */
import { verifyToken } from "../api.ts";
import { h, notice, replaceChildren } from "../dom.ts";
import { signIn } from "../session.ts";

/** Renders the sign-in form into `main`; `done` runs once a token was accepted. */
export function renderSignIn(main: HTMLElement, done: () => void, reason?: string): void {
  const input = h("input", { id: "token", name: "token", type: "password", autocomplete: "off", spellcheck: "false", required: true, "aria-describedby": "token-help" });
  const status = h("div", { "aria-live": "polite" }, reason === undefined ? null : notice("error", reason));
  const form = h(
    "form",
    { class: "sign-in", id: "sign-in" },
    h("label", { for: "token" }, "Read token"),
    input,
    h("p", { id: "token-help", class: "hint" }, "The read token that npm start prints (READ_TOKENS in .dev.vars or the Worker's secrets, docs/auth.md). It is kept for this tab only and sent as a bearer header."),
    h("button", { type: "submit" }, "Sign in"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === "") return;
    try {
      await verifyToken(token);
    } catch (error) {
      replaceChildren(status, notice("error", (error as Error).message));
      input.focus();
      return;
    }
    signIn(token);
    done();
  });
  replaceChildren(main, h("h1", {}, "Sign in"), form);
  input.focus();
}
