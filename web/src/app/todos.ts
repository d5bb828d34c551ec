// The to-do list: paged reads, add, edit, complete, delete with ETags (If-Match); a lost race (412)
// offers a reload; reads after a write pass a new `fresh` value past the stage cache; the last list
// is kept on the device and shown, marked, when the service cannot be reached.
import {
  freshAfter,
  ifMatch,
  isConflict,
  problemMessage,
  type Client,
  type Schemas,
} from "../shared/api";
import { busy, byId, h, replace, say } from "../shared/ui";
import { isNetworkError, type Network } from "./network";

type Todo = Schemas["TodoOut"];
const PAGE = 20;

interface Saved {
  items: Todo[];
  nextCursor: string | null;
  savedAt: string;
  fresh?: string;
}

export class TodosView {
  private items: Todo[] = [];
  private nextCursor: string | null = null;
  private user: string | undefined;
  private fresh: string | undefined;
  private readonly list = byId<HTMLUListElement>("todo-list");
  private readonly message = byId("todo-message");
  private readonly offlineNote = byId("offline-note");

  constructor(
    private readonly api: Client,
    private readonly network: Network,
  ) {
    byId<HTMLFormElement>("add-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.add();
    });
    byId("more").addEventListener("click", () => void busy(byId<HTMLButtonElement>("more"), () => this.load(true)));
    byId("reload").addEventListener("click", () => {
      this.fresh = freshAfter(String(Date.now())); // past any cached answer: the other device's write
      void this.load(false);
    });
    network.onOnline(() => {
      if (this.user && !byId("todos").hidden) void this.load(false);
    });
  }

  signedIn(user: string): void {
    this.user = user;
    const saved = this.saved();
    this.fresh = saved?.fresh;
    this.items = saved?.items ?? [];
    this.nextCursor = saved?.nextCursor ?? null;
  }

  signedOut(): void {
    if (this.user) localStorage.removeItem(this.key(this.user));
    this.user = undefined;
    this.items = [];
    replace(this.list);
  }

  /** Show the saved list at once, then the service's. */
  async show(): Promise<void> {
    this.render();
    await this.load(false);
  }

  private async load(more: boolean): Promise<void> {
    try {
      const result = await this.api.listTodos({
        query: {
          limit: PAGE,
          ...(more && this.nextCursor ? { cursor: this.nextCursor } : {}),
          ...(this.fresh ? { fresh: this.fresh } : {}),
        },
      });
      this.network.saw(null);
      this.items = more ? [...this.items, ...result.data.items] : result.data.items;
      this.nextCursor = result.data.nextCursor ?? null;
      byId("conflict").hidden = true;
      this.offlineNote.hidden = true;
      this.save();
    } catch (error) {
      this.network.saw(error);
      if (isNetworkError(error)) this.showOffline();
      else say(this.message, problemMessage(error), "error");
    }
    this.render();
  }

  private showOffline(): void {
    const saved = this.saved();
    const when = saved ? new Date(saved.savedAt).toLocaleString() : undefined;
    this.offlineNote.textContent = when
      ? `You are offline. This is your list as of ${when}.`
      : "You are offline, and no list is saved on this device yet.";
    this.offlineNote.hidden = false;
  }

  private async add(): Promise<void> {
    const title = byId<HTMLInputElement>("new-title");
    const due = byId<HTMLInputElement>("new-due");
    if (!title.value.trim()) return;
    await this.write(byId<HTMLButtonElement>("add"), async () => {
      const result = await this.api.createTodo({ body: { title: title.value.trim(), dueDate: due.value || null } });
      title.value = "";
      due.value = "";
      say(this.message, `Added “${result.data.title}”.`, "ok");
      return result;
    });
  }

  private async change(todo: Todo, body: Schemas["TodoPatch"], button: HTMLButtonElement | null): Promise<void> {
    await this.write(button, async () => {
      const result = await this.api.updateTodo({ path: { todo_id: todo.id }, headers: ifMatch(todo.version), body });
      this.items = this.items.map((item) => (item.id === todo.id ? result.data : item));
      return result;
    });
  }

  private async remove(todo: Todo, button: HTMLButtonElement): Promise<void> {
    await this.write(button, async () => {
      const result = await this.api.deleteTodo({ path: { todo_id: todo.id }, headers: ifMatch(todo.version) });
      this.items = this.items.filter((item) => item.id !== todo.id);
      say(this.message, `Deleted “${todo.title}”.`, "ok");
      return result;
    });
  }

  /** A write, then a fresh read of the first page (the writer sees its write at once). */
  private async write(button: HTMLButtonElement | null, action: () => Promise<{ headers: Headers }>): Promise<void> {
    say(this.message, "");
    try {
      const result = await busy(button, action);
      this.network.saw(null);
      this.fresh = freshAfter(result);
      this.save(); // the write and its `fresh` value survive a reload that comes before the read
      this.render();
      await this.load(false);
    } catch (error) {
      this.network.saw(error);
      if (isConflict(error)) {
        byId("conflict").hidden = false;
        byId("reload").focus();
      } else {
        say(this.message, problemMessage(error), "error");
      }
      this.render();
    }
  }

  private render(): void {
    replace(this.list, ...this.items.map((todo) => this.item(todo)));
    byId("todo-empty").hidden = this.items.length > 0 || !this.offlineNote.hidden;
    byId("more").hidden = !this.nextCursor;
  }

  private item(todo: Todo): HTMLLIElement {
    const id = `done-${todo.id}`;
    const checkbox = h("input", { type: "checkbox", id, checked: todo.done });
    checkbox.addEventListener("change", () => void this.change(todo, { done: checkbox.checked }, null));
    const edit = h("button", { type: "button", class: "secondary" }, "Edit", h("span", { class: "visually-hidden" }, ` “${todo.title}”`));
    const remove = h("button", { type: "button", class: "danger" }, "Delete", h("span", { class: "visually-hidden" }, ` “${todo.title}”`));
    const li = h(
      "li",
      { class: todo.done ? "todo done" : "todo", "data-id": todo.id },
      checkbox,
      h("label", { for: id, class: "title" }, todo.title),
      todo.dueDate ? h("span", { class: "due" }, `due ${todo.dueDate}`) : null,
      h("span", { class: "actions" }, edit, remove),
    );
    edit.addEventListener("click", () => this.editForm(li, todo));
    remove.addEventListener("click", () => void this.remove(todo, remove));
    return li;
  }

  private editForm(li: HTMLLIElement, todo: Todo): void {
    const titleId = `title-${todo.id}`;
    const dueId = `due-${todo.id}`;
    const title = h("input", { id: titleId, value: todo.title, maxlength: 200, required: true });
    const due = h("input", { id: dueId, type: "date", value: todo.dueDate ?? "" });
    const save = h("button", { type: "submit" }, "Save");
    const cancel = h("button", { type: "button", class: "secondary" }, "Cancel");
    const form = h(
      "form",
      {},
      h("label", { for: titleId, class: "visually-hidden" }, "Title"),
      title,
      h("label", { for: dueId, class: "visually-hidden" }, "Due date"),
      due,
      h("span", { class: "row" }, save, cancel),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.change(todo, { title: title.value.trim(), dueDate: due.value || null }, save);
    });
    cancel.addEventListener("click", () => this.render());
    replace(li, form);
    title.focus();
  }

  private key(user: string): string {
    return `mytodolist.todos.${user}`;
  }

  private saved(): Saved | undefined {
    if (!this.user) return undefined;
    try {
      const raw = localStorage.getItem(this.key(this.user));
      return raw ? (JSON.parse(raw) as Saved) : undefined;
    } catch {
      return undefined;
    }
  }

  private save(): void {
    if (!this.user) return;
    const saved: Saved = {
      items: this.items,
      nextCursor: this.nextCursor,
      savedAt: new Date().toISOString(),
      ...(this.fresh ? { fresh: this.fresh } : {}),
    };
    localStorage.setItem(this.key(this.user), JSON.stringify(saved));
  }
}
