// MyBlog's authoring page at /write/: authors (and editors) sign in, write Markdown with a live
// preview from the API's own sanitizer, publish, edit and delete their posts, and add photos.
import "./write.css";
import { Auth, authError, type Tokens } from "../shared/auth";
import { freshAfter, problemMessage, siteApi, type Schemas } from "../shared/api";
import { loadConfig } from "../shared/config";
import { busy, byId, say } from "../shared/ui";
import { Editor } from "./editor";
import { PhotoTray } from "./photos";
import { PostList } from "./posts";

const WRITERS = ["authors", "editors"];

/** May this user change this post (or photo)? The API decides too (403 `not_yours`). */
export function mayChange(tokens: Tokens | null, ownerId: string): boolean {
  return tokens !== null && (tokens.groups.includes("editors") || ownerId === tokens.sub);
}

async function start(): Promise<void> {
  const status = byId("status");
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    say(status, error instanceof Error ? error.message : String(error), "error");
    return;
  }
  const auth = new Auth(config);
  const api = siteApi(config, () => auth.idToken());
  const baseUrl = new URL(config.apiBase, location.origin).href;
  let tokens: Tokens | null = null;

  const editor = new Editor(api, {
    changed(post, slug) {
      if (post) list.upsert(post);
      else list.drop(slug);
      void photos.open(post ? post.slug : null, (photo) => mayChange(tokens, photo.uploaderId));
    },
  });
  const photos = new PhotoTray(api, baseUrl, (markdown) => editor.insert(markdown));
  const list = new PostList(api, (post) => mayChange(tokens, post.authorId), (slug) => void openPost(slug));

  async function openPost(slug: string): Promise<void> {
    try {
      // A post opened for editing must be current: a new `fresh` value is a new key for the stage
      // cache and a new URL for the browser's (docs/caching.md).
      const { data } = await api.getPost({ path: { slug }, query: { fresh: freshAfter(slug) } });
      if (!data) return;
      editor.edit(data as Schemas["PostOut"]);
      await photos.open(slug, (photo) => mayChange(tokens, photo.uploaderId));
    } catch (error) {
      say(status, problemMessage(error), "error");
    }
  }

  byId("new-post").addEventListener("click", () => {
    editor.clear();
    void photos.open(null, () => false);
    byId("post-title").focus();
  });

  const signin = byId("signin");
  const desk = byId("desk");
  const who = byId("who");
  const signOut = byId<HTMLButtonElement>("sign-out");

  function show(next: Tokens | null): void {
    const changedUser = next?.sub !== tokens?.sub;
    tokens = next;
    signin.hidden = next !== null;
    who.hidden = signOut.hidden = next === null;
    who.textContent = next ? next.email : "";
    const writer = next !== null && next.groups.some((group) => WRITERS.includes(group));
    desk.hidden = !writer;
    if (next === null) say(status, "");
    else if (!writer) {
      say(status, `${next.email} is not an author. Ask an editor to add you to the authors group, then sign in again.`, "error");
    } else if (changedUser) {
      say(status, "");
      editor.clear();
      void photos.open(null, () => false);
      void list.reload();
    }
  }

  auth.onChange((next) => {
    if (next?.sub !== tokens?.sub || next === null) show(next);
  });
  byId<HTMLFormElement>("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!form.reportValidity()) return;
    const email = byId<HTMLInputElement>("signin-email").value.trim();
    const password = byId<HTMLInputElement>("signin-password").value;
    const button = form.querySelector("button");
    say(status, "Signing in…");
    void busy(button, () => auth.signIn(email, password)).then(
      () => form.reset(),
      (error: unknown) => say(status, authError(error).message, "error"),
    );
  });
  signOut.addEventListener("click", () => void auth.signOut());

  try {
    show(await auth.current());
  } catch (error) {
    show(null);
    say(status, authError(error).message, "error");
  }
  if (tokens === null && status.dataset.kind !== "error") say(status, "");
}

void start();
