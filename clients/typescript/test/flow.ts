// Drives the running API through the generated client; prints what it saw as one JSON line.
// API_URL and TOKEN (an author's ID token) come from the environment.
import { ApiError, createClient } from "../src/index.js";

const baseUrl = process.env.API_URL;
const token = process.env.TOKEN;
if (!baseUrl || !token) throw new Error("set API_URL and TOKEN");

const api = createClient({ baseUrl, token: () => token });
const anonymous = createClient({ baseUrl });
const seen: Record<string, unknown> = {};

seen.health = (await api.getHealth()).data.status;
const created = await api.createTodo({ body: { title: "From TypeScript", dueDate: "2026-12-24" } });
seen.createdStatus = created.status;
const id = created.data.id;
const etag = created.headers.get("etag") ?? "";
const again = await api.getTodo({ path: { todo_id: id }, headers: { "if-none-match": etag } });
seen.notModified = again.status;
const done = await api.updateTodo({
  path: { todo_id: id },
  headers: { "if-match": etag },
  body: { done: true },
});
seen.done = done.data.done;
seen.version = done.data.version;
try {
  await api.updateTodo({ path: { todo_id: id }, headers: { "if-match": etag }, body: { done: false } });
  seen.stale = "accepted";
} catch (error) {
  seen.stale = error instanceof ApiError ? error.problem.code : String(error);
}
seen.listed = (await api.listTodos({ query: { done: true } })).data.items.map((t) => t.id).includes(id);
seen.deleted = (await api.deleteTodo({ path: { todo_id: id } })).status;
try {
  await anonymous.listTodos();
  seen.anonymous = "accepted";
} catch (error) {
  seen.anonymous = error instanceof ApiError ? `${error.status} ${error.problem.code}` : String(error);
}
const slug = `ts-${Date.now().toString(36)}`;
await api.createPost({ body: { slug, title: "Typed", body: "Written by the **TypeScript** client." } });
seen.postHtml = (await anonymous.getPost({ path: { slug } })).data?.html;
seen.subscribed = (await anonymous.subscribe({ body: { email: `${slug}@example.com` } })).data.status;
console.log(JSON.stringify(seen));
