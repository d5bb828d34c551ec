// The posts on the desk's side: newest first, paged; edit and delete offered on the signed-in
// author's own posts (or on every post for an editor). GET /posts is cached by the stage: the list is read
// with `fresh`, and the page applies its own writes to it at once.
import type { Client, Schemas } from "../shared/api";
import { freshAfter, problemMessage } from "../shared/api";
import { byId, h, replace } from "../shared/ui";

type Summary = Schemas["PostSummaryOut"];
const PAGE = 20;

export class PostList {
  private cursor: string | null = null;
  private posts: Summary[] = [];
  private readonly list = byId("post-list");
  private readonly more = byId<HTMLButtonElement>("more-posts");

  constructor(
    private readonly api: Client,
    private readonly mayEdit: (post: Summary) => boolean,
    private readonly open: (slug: string) => void,
  ) {
    this.more.addEventListener("click", () => void this.load(false));
  }

  /** The first page again. */
  async reload(): Promise<void> {
    await this.load(true);
  }

  /** A post was published or saved: show it at its place without waiting for the cache. */
  upsert(post: Summary): void {
    const summary: Summary = {
      slug: post.slug,
      title: post.title,
      summary: post.summary,
      publishedAt: post.publishedAt,
      updatedAt: post.updatedAt,
      authorId: post.authorId,
    };
    const at = this.posts.findIndex((p) => p.slug === post.slug);
    if (at >= 0) this.posts[at] = summary;
    else this.posts.unshift(summary);
    this.render();
  }

  /** A post was deleted. */
  drop(slug: string): void {
    this.posts = this.posts.filter((p) => p.slug !== slug);
    this.render();
  }

  private async load(first: boolean): Promise<void> {
    try {
      // A new `fresh` value: posts published elsewhere (another device, the API) show at once.
      const fresh = freshAfter("posts");
      const query = first || !this.cursor ? { limit: PAGE, fresh } : { limit: PAGE, cursor: this.cursor, fresh };
      const { data } = await this.api.listPosts({ query });
      const known = new Set(first ? [] : this.posts.map((p) => p.slug));
      this.posts = [...(first ? [] : this.posts), ...data.items.filter((p) => !known.has(p.slug))];
      this.cursor = data.nextCursor ?? null;
      this.render();
    } catch (error) {
      replace(this.list, h("li", { role: "alert" }, problemMessage(error)));
    }
  }

  private render(): void {
    this.more.hidden = this.cursor === null;
    if (this.posts.length === 0) {
      replace(this.list, h("li", {}, "No posts yet: write the first one."));
      return;
    }
    replace(
      this.list,
      ...this.posts.map((post) =>
        h(
          "li",
          { "data-slug": post.slug },
          h("a", { href: `/posts/${encodeURIComponent(post.slug)}/` }, post.title),
          " ",
          h("span", { class: "meta" }, new Date(post.publishedAt).toLocaleDateString()),
          this.mayEdit(post) &&
            h(
              "button",
              { type: "button", class: "quiet", "aria-label": `Edit “${post.title}”`, onclick: () => this.open(post.slug) },
              "Edit",
            ),
        ),
      ),
    );
  }
}
