/** Attributes and properties `h` sets; `on*` functions become listeners. */
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;
/** What `h` accepts as children. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/**
 * Builds an element: `h("td", { class: "num" }, "0.21")`. Text children become text nodes,
 * never HTML, so nothing an API returns (a model or feature name) can inject markup. Boolean
 * attributes are set when true and omitted when false.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A section with a heading, for the model page's parts; `id` anchors it. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h("section", { id, "aria-labelledby": `${id}-title`, class: "panel" }, h("h2", { id: `${id}-title` }, title), ...children);
}

/** A notice: an empty state that says what to do, or an error that says what failed. */
export function notice(kind: "empty" | "error" | "loading", ...children: Child[]): HTMLElement {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

/** A command a user can copy, for empty states. */
export function command(text: string): HTMLElement {
  return h("pre", { class: "command" }, h("code", {}, text));
}


/**
 * The props of a box that scrolls a wide table: focusable and named, so a keyboard user can
 * scroll it (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function scrollBox(label: string): Record<string, string | number> {
  return { class: "table-scroll", role: "region", tabindex: 0, "aria-label": label };
}
