// The post being written: fields, a live preview rendered by the API's own sanitizer (POST
// /previews, nothing stored), and publish / save / delete with the post's version as If-Match.
import { ApiError, ifMatch, isConflict, problemMessage, type Client, type Schemas } from "../shared/api";
import { busy, byId, say } from "../shared/ui";

type Post = Schemas["PostOut"];

const PREVIEW_DELAY_MS = 300;

/** A slug from a title: lower-case ASCII letters and digits joined by single dashes. */
export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
}

export interface EditorEvents {
  /** A post was published, saved (the new version) or deleted (null). */
  changed(post: Post | null, slug: string): void;
}

export class Editor {
  private post: Post | null = null;
  private slugTouched = false;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;
  private previewSeq = 0;
  private armedDelete = false;
  private readonly form = byId<HTMLFormElement>("post-form");
  private readonly title = byId<HTMLInputElement>("post-title");
  private readonly slug = byId<HTMLInputElement>("post-slug");
  private readonly summary = byId<HTMLInputElement>("post-summary");
  private readonly body = byId<HTMLTextAreaElement>("post-body");
  private readonly preview = byId("preview");
  private readonly publish = byId<HTMLButtonElement>("publish");
  private readonly remove = byId<HTMLButtonElement>("delete");
  private readonly view = byId<HTMLAnchorElement>("view");
  private readonly heading = byId("editor-title");
  private readonly status = byId("editor-status");

  constructor(
    private readonly api: Client,
    private readonly events: EditorEvents,
  ) {
    this.title.addEventListener("input", () => {
      if (!this.post && !this.slugTouched) this.slug.value = slugify(this.title.value);
    });
    this.slug.addEventListener("input", () => (this.slugTouched = true));
    this.body.addEventListener("input", () => this.schedulePreview());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void busy(this.publish, () => this.save());
    });
    this.remove.addEventListener("click", () => void this.deleteClicked());
    this.clear();
  }

  /** The post on the desk (null while a new one is written). */
  get current(): Post | null {
    return this.post;
  }

  /** Start a new, empty post. */
  clear(): void {
    this.show(null);
    this.form.reset();
    this.slugTouched = false;
    this.preview.replaceChildren();
    say(this.status, "");
  }

  /** Put a post on the desk to edit it. */
  edit(post: Post): void {
    this.show(post);
    this.title.value = post.title;
    this.slug.value = post.slug;
    this.summary.value = post.summary;
    this.body.value = post.body;
    this.showHtml(post.html);
    say(this.status, "");
    this.title.focus();
  }

  /** Insert Markdown at the cursor (a photo), then refresh the preview. */
  insert(markdown: string): void {
    const { selectionStart: start, selectionEnd: end, value } = this.body;
    const before = value.slice(0, start);
    const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    this.body.value = `${before}${gap}${markdown}\n\n${value.slice(end)}`;
    const caret = before.length + gap.length + markdown.length + 2;
    this.body.setSelectionRange(caret, caret);
    this.body.focus();
    this.schedulePreview(0);
  }

  private show(post: Post | null): void {
    this.post = post;
    this.armedDelete = false;
    this.slug.readOnly = post !== null; // a post's address never changes
    this.heading.textContent = post ? `Editing “${post.title}”` : "New post";
    this.publish.textContent = post ? "Save changes" : "Publish";
    this.remove.hidden = post === null;
    this.remove.textContent = "Delete";
    this.view.hidden = post === null;
    if (post) this.view.href = `/posts/${encodeURIComponent(post.slug)}/`;
  }

  private schedulePreview(delay = PREVIEW_DELAY_MS): void {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.renderPreview(), delay);
  }

  private async renderPreview(): Promise<void> {
    const markdown = this.body.value;
    const seq = ++this.previewSeq;
    if (markdown.trim() === "") {
      this.preview.replaceChildren();
      return;
    }
    try {
      const { data } = await this.api.previewPost({ body: { body: markdown } });
      if (seq === this.previewSeq) this.showHtml(data.html);
    } catch (error) {
      if (seq === this.previewSeq) say(this.status, `Preview: ${problemMessage(error)}`, "error");
    }
  }

  /** The API's sanitized HTML (markdown-it with raw HTML off, then Ammonia): safe to insert. */
  private showHtml(html: string): void {
    this.preview.innerHTML = html;
  }

  private async save(): Promise<void> {
    if (!this.form.reportValidity()) return;
    const fields = { title: this.title.value.trim(), summary: this.summary.value.trim(), body: this.body.value };
    try {
      let saved: Post;
      if (this.post) {
        const slug = this.post.slug;
        ({ data: saved } = await this.api.updatePost({ path: { slug }, headers: ifMatch(this.post.version), body: fields }));
        say(this.status, "Saved. The page on the site is updated in a moment.", "ok");
      } else {
        ({ data: saved } = await this.api.createPost({ body: { ...fields, slug: this.slug.value } }));
        say(this.status, "Published. You can add photos now.", "ok");
      }
      this.show(saved);
      this.events.changed(saved, saved.slug);
    } catch (error) {
      this.failed(error);
    }
  }

  private async deleteClicked(): Promise<void> {
    const post = this.post;
    if (!post) return;
    if (!this.armedDelete) {
      // A second press confirms: no dialog, and nothing is lost to one stray tap.
      this.armedDelete = true;
      this.remove.textContent = "Press again to delete";
      return;
    }
    await busy(this.remove, async () => {
      try {
        await this.api.deletePost({ path: { slug: post.slug }, headers: ifMatch(post.version) });
        this.clear();
        say(this.status, `Deleted “${post.title}”.`, "ok");
        this.events.changed(null, post.slug);
      } catch (error) {
        this.failed(error);
      }
    });
  }

  private failed(error: unknown): void {
    if (isConflict(error) && this.post) {
      say(this.status, "This post was changed elsewhere. Reload it from the list before saving again.", "error");
    } else if (error instanceof ApiError && error.status === 409) {
      say(this.status, "A post already has this address: choose another.", "error");
      this.slug.focus();
    } else {
      say(this.status, problemMessage(error), "error");
    }
    this.armedDelete = false;
    this.remove.textContent = "Delete";
  }
}
