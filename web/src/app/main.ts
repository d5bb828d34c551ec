// MyTodoList, the installable phone app at /app/: sign-in, to-dos (readable offline) and the
// user's own files. The files part (the S3 SDK) loads only when its tab is opened.
import "./app.css";
import { siteApi } from "../shared/api";
import { Auth, type Tokens } from "../shared/auth";
import { loadConfig, type SiteConfig } from "../shared/config";
import { byId, say } from "../shared/ui";
import { Network } from "./network";
import { SessionView } from "./session";
import { TodosView } from "./todos";
import type { FilesView } from "./files";

const SECTIONS = ["todos", "files"] as const;
type Section = (typeof SECTIONS)[number];

class App {
  private readonly api;
  private readonly todos: TodosView;
  private files: FilesView | undefined;
  private tokens: Tokens | null = null;

  constructor(
    private readonly config: SiteConfig,
    private readonly auth: Auth,
    private readonly network: Network,
  ) {
    this.api = siteApi(config, () => auth.idToken());
    this.todos = new TodosView(this.api, network);
    new SessionView(auth, config, (tokens) => this.enter(tokens));
    byId("sign-out").addEventListener("click", () => void this.signOut());
    addEventListener("hashchange", () => void this.route());
  }

  async start(): Promise<void> {
    const tokens = await this.auth.current().catch(() => null);
    say(byId("status"), "");
    if (tokens) await this.enter(tokens);
    else this.showSignIn();
  }

  private async enter(tokens: Tokens): Promise<void> {
    this.tokens = tokens;
    byId("auth").hidden = true;
    byId("sign-out").hidden = false;
    byId("tabs").hidden = false;
    this.todos.signedIn(tokens.sub);
    await this.route();
  }

  private showSignIn(): void {
    this.tokens = null;
    for (const id of [...SECTIONS, "tabs", "sign-out"]) byId(id).hidden = true;
    byId("auth").hidden = false;
  }

  private async route(): Promise<void> {
    if (!this.tokens) return;
    const section: Section = location.hash === "#files" ? "files" : "todos";
    for (const name of SECTIONS) {
      byId(name).hidden = name !== section;
      const tab = byId(`tab-${name}`);
      if (name === section) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    if (section === "todos") {
      await this.todos.show();
      return;
    }
    if (!this.files) {
      const { FilesView } = await import("./files");
      this.files = new FilesView(this.config, this.auth, this.api, this.network);
    }
    await this.files.show(this.tokens.sub);
  }

  private async signOut(): Promise<void> {
    this.todos.signedOut();
    this.files?.signedOut();
    await this.auth.signOut();
    history.replaceState(null, "", location.pathname);
    this.showSignIn();
    byId<HTMLInputElement>("password").value = "";
  }
}

async function main(): Promise<void> {
  const network = new Network(byId("network"));
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("./sw.js", { scope: "./" }).catch(() => undefined);
  }
  let config: SiteConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    say(byId("status"), error instanceof Error ? error.message : String(error), "error");
    return;
  }
  await new App(config, new Auth(config), network).start();
}

void main();
