/**
 * The console's entry: shows sign-in until the tab holds a read token, then the page the
 * hash names. Every page is rebuilt from the APIs when the hash changes (no client cache), so
 * what is shown is what the APIs answer at that moment.
 */
import "uplot/dist/uPlot.min.css";
import "./style.css";
import { SIGNED_OUT_EVENT } from "./api.ts";
import { destroyCharts } from "./charts/time-chart.ts";
import { h, notice, replaceChildren } from "./dom.ts";
import { renderModel } from "./pages/model.ts";
import { renderModels } from "./pages/models.ts";
import { renderSignIn } from "./pages/sign-in.ts";
import { parseRoute } from "./router.ts";
import { readToken, signOut } from "./session.ts";

const main = document.getElementById("main") as HTMLElement;
const session = document.getElementById("session") as HTMLElement;
/** Bumped on every render, so a slow page that finishes late does not mark the newer one ready. */
let generation = 0;

async function render(reason?: string): Promise<void> {
  const mine = (generation += 1);
  destroyCharts();
  document.body.removeAttribute("data-ready");
  if (readToken() === null) {
    replaceChildren(session);
    renderSignIn(main, () => void render(), reason);
    return;
  }
  replaceChildren(
    session,
    h("button", {
      type: "button",
      id: "sign-out",
      onclick: () => {
        signOut();
        location.hash = "#/";
        void render();
      },
    }, "Sign out"),
  );
  const route = parseRoute(location.hash);
  try {
    if (route.page === "model") await renderModel(main, route);
    else await renderModels(main);
  } catch (error) {
    if (readToken() === null) return; // signed out by a 401 / 403: the event re-renders
    main.append(notice("error", (error as Error).message));
  }
  // What the tests and the benchmark wait for: every section has drawn or reported.
  if (mine === generation) {
    document.body.setAttribute("data-ready", "true");
    performance.mark("driftline:ready");
  }
}

window.addEventListener("hashchange", () => {
  void render();
  main.focus({ preventScroll: true });
});
window.addEventListener(SIGNED_OUT_EVENT, (event) => void render((event as CustomEvent<string>).detail));
void render();
