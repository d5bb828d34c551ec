// A post's photos: drop (or choose) JPEG, PNG or WebP files, each uploaded straight to the photos
// bucket with the presigned POST the API hands out; the thumbnail appears when the thumbnail
// function has made it, and "Insert" puts it into the Markdown.
import { createClient, type Schemas } from "@serverless-reference/client";
import { problemMessage, type Client } from "../shared/api";
import { byId, formatBytes, h, replace } from "../shared/ui";

type Photo = Schemas["PhotoOut"];

const TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
type PhotoType = (typeof TYPES)[number];
/** The API's documented limit (`Upload.maxBytes`, 15 MiB): checked before a pending photo is made. */
const MAX_BYTES = 15 * 1024 * 1024;
const POLL_MS = 1500;
const POLL_LIMIT_MS = 90_000;

/** Where a photo's thumbnail of this size lives on the site (the largest one for the post body). */
export function thumbnail(photo: Photo, size: "256" | "1024"): string | undefined {
  return photo.thumbnails[size] ?? photo.thumbnails["256"];
}

/** The Markdown that shows a photo in a post: the large thumbnail, with the file's name as alt text. */
export function photoMarkdown(photo: Photo, alt: string): string {
  const clean = alt.replace(/\.[a-z0-9]+$/i, "").replace(/[[\]\\]/g, " ").trim() || "Photo";
  return `![${clean}](${thumbnail(photo, "1024") ?? ""})`;
}

export class PhotoTray {
  private slug: string | null = null;
  private mine: (photo: Photo) => boolean = () => false;
  private readonly names = new Map<string, string>();
  private readonly zone = byId("dropzone");
  private readonly input = byId<HTMLInputElement>("photo-input");
  private readonly list = byId("photo-list");
  private readonly closed = byId("photos-closed");
  /**
   * Reads past the browser's copy (the list says max-age=10) while polling. `no-store`, not
   * `no-cache`: a browser revalidates with `Cache-Control: max-age=0`, which API Gateway takes as
   * a cache invalidation that this stage refuses with 403 (the photo list is not stage-cached,
   * but the posts are: they are read with a new `fresh` value instead).
   */
  private readonly fresh: Client;

  constructor(
    private readonly api: Client,
    baseUrl: string,
    private readonly insert: (markdown: string) => void,
  ) {
    this.fresh = createClient({ baseUrl, fetch: (url, init) => fetch(url, { ...init, cache: "no-store" }) });
    this.input.addEventListener("change", () => {
      void this.add([...(this.input.files ?? [])]);
      this.input.value = "";
    });
    this.zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      this.zone.classList.add("over");
    });
    this.zone.addEventListener("dragleave", () => this.zone.classList.remove("over"));
    this.zone.addEventListener("drop", (event) => {
      event.preventDefault();
      this.zone.classList.remove("over");
      void this.add([...(event.dataTransfer?.files ?? [])]);
    });
  }

  /** Show the photos of `slug` (null: a post not yet published has none). */
  async open(slug: string | null, mine: (photo: Photo) => boolean): Promise<void> {
    this.slug = slug;
    this.mine = mine;
    this.zone.hidden = slug === null;
    this.closed.hidden = slug !== null;
    replace(this.list);
    if (!slug) return;
    try {
      const { data } = await this.fresh.listPhotos({ path: { slug } });
      if (this.slug !== slug) return;
      // Uploads started while this list was loading stay: only photos not shown yet are added.
      const shown = new Set([...this.list.querySelectorAll<HTMLElement>("[data-photo]")].map((li) => li.dataset.photo));
      this.list.append(...data.items.filter((photo) => !shown.has(photo.photoId)).map((photo) => this.card(photo)));
    } catch (error) {
      replace(this.list, h("li", { role: "alert" }, problemMessage(error)));
    }
  }

  private async add(files: File[]): Promise<void> {
    for (const file of files) await this.upload(file);
  }

  private async upload(file: File): Promise<void> {
    const slug = this.slug;
    if (!slug) return;
    const item = h("li", {}, h("span", { class: "state", role: "status" }, `Uploading ${file.name}…`));
    this.list.prepend(item);
    if (!(TYPES as readonly string[]).includes(file.type)) {
      this.state(item, `${file.name}: only JPEG, PNG or WebP photos can be added.`, true);
      return;
    }
    if (file.size > MAX_BYTES) {
      this.state(item, `${file.name} is ${formatBytes(file.size)}: the limit is ${formatBytes(MAX_BYTES)}.`, true);
      return;
    }
    try {
      const { data: ticket } = await this.api.createPhotoUpload({
        path: { slug },
        body: { contentType: file.type as PhotoType },
      });
      item.dataset.photo = ticket.photo.photoId;
      // S3's POST form: every signed field first, the file last (S3 User Guide, "Browser-based
      // uploads using POST"); the declared Content-Type is one of the signed fields.
      const form = new FormData();
      for (const [name, value] of Object.entries(ticket.upload.fields)) form.append(name, value);
      form.append("file", file);
      const sent = await fetch(ticket.upload.url, { method: "POST", body: form });
      if (!sent.ok) {
        this.state(item, `${file.name} was refused by the storage (${sent.status}).`, true);
        return;
      }
      this.names.set(ticket.photo.photoId, file.name);
      this.state(item, `${file.name}: making thumbnails…`);
      const photo = await this.ready(slug, ticket.photo.photoId);
      if (this.slug !== slug) return;
      for (const twin of this.list.querySelectorAll(`[data-photo="${photo.photoId}"]`)) {
        if (twin !== item) twin.remove(); // listed by a load that overlapped this upload
      }
      item.replaceWith(this.card(photo));
    } catch (error) {
      this.state(item, `${file.name}: ${problemMessage(error)}`, true);
    }
  }

  /** Polls the post's photos until this one is ready or failed (the thumbnail function is async). */
  private async ready(slug: string, photoId: string): Promise<Photo> {
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      const { data } = await this.fresh.listPhotos({ path: { slug } });
      const photo = data.items.find((p) => p.photoId === photoId);
      if (photo && photo.status !== "pending") return photo;
      if (Date.now() > deadline) throw new Error("The thumbnails are taking long; reload the post later.");
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private state(item: HTMLElement, message: string, failed = false): void {
    replace(item, h("span", { class: "state", role: failed ? "alert" : "status" }, message));
  }

  private card(photo: Photo): HTMLElement {
    const name = this.names.get(photo.photoId) ?? `Photo ${photo.photoId.slice(-6)}`;
    const small = thumbnail(photo, "256");
    const item = h("li", { "data-photo": photo.photoId, "data-status": photo.status });
    if (photo.status === "ready" && small) {
      item.append(
        h("img", { src: small, alt: name, loading: "lazy" }),
        h("button", { type: "button", onclick: () => this.insert(photoMarkdown(photo, name)) }, "Insert into post"),
      );
    } else if (photo.status === "failed") {
      item.append(h("span", { class: "state", role: "alert" }, `${name}: ${photo.reason || "could not be read"}`));
    } else {
      item.append(h("span", { class: "state" }, `${name}: making thumbnails…`));
    }
    if (this.mine(photo)) {
      item.append(h("button", { type: "button", class: "quiet", onclick: () => void this.remove(photo, item) }, "Remove"));
    }
    return item;
  }

  private async remove(photo: Photo, item: HTMLElement): Promise<void> {
    const slug = this.slug;
    if (!slug) return;
    try {
      await this.api.deletePhoto({ path: { slug, photo_id: photo.photoId } });
      item.remove();
    } catch (error) {
      item.append(h("span", { class: "state", role: "alert" }, problemMessage(error)));
    }
  }
}
