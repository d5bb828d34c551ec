// The blog's script (/static/app.js), on the generated client. Progressive enhancement only: every
// page reads fully without it. "More posts" pages through `GET /posts`; the subscribe form posts
// to `POST /subscriptions`. Data is only ever set as text.
import { ApiError, createClient } from "@serverless-reference/client";

const api = createClient({ baseUrl: new URL("/api/", location.origin).href });
const PAGE = 10;

function morePosts(more: HTMLElement, list: HTMLElement): void {
  let cursor: string | null = null;
  let first = true;
  more.hidden = false;
  more.addEventListener("click", () => {
    const already = Number(more.dataset.after);
    // The first page repeats what the page already shows, then continues from its cursor.
    const query = cursor ? { limit: PAGE, cursor } : { limit: first ? already + PAGE : PAGE };
    api
      .listPosts({ query })
      .then(({ data }) => {
        const items = first ? data.items.slice(already) : data.items;
        first = false;
        for (const post of items) {
          const link = document.createElement("a");
          link.href = `/posts/${encodeURIComponent(post.slug)}/`;
          link.textContent = post.title;
          const heading = document.createElement("h2");
          heading.append(link);
          const item = document.createElement("li");
          item.append(heading);
          list.append(item);
        }
        cursor = data.nextCursor ?? null;
        if (!cursor) more.hidden = true;
      })
      .catch(() => undefined); // the button stays; a later click tries again
  });
}

function subscribe(form: HTMLFormElement, status: HTMLElement): void {
  status.textContent = "";
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const email = (form.elements.namedItem("email") as HTMLInputElement).value;
    status.textContent = "Subscribing…";
    api
      .subscribe({ body: { email } })
      .then(() => {
        status.textContent = "Almost done: confirm with the link we just emailed you.";
        form.reset();
      })
      .catch((error: unknown) => {
        const detail = error instanceof ApiError ? error.problem.detail : "";
        status.textContent = detail || "That did not work; please try again.";
      });
  });
}

const more = document.getElementById("more");
const list = document.getElementById("posts");
if (more && list) morePosts(more, list);
const form = document.getElementById("subscribe-form");
const status = document.getElementById("subscribe-status");
if (form instanceof HTMLFormElement && status) subscribe(form, status);
