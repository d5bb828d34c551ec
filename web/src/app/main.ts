// MyTodoList: the phone app at /app/.
import { loadConfig } from "../shared/config";
import { byId, say } from "../shared/ui";

async function start(): Promise<void> {
  const status = byId("status");
  try {
    await loadConfig();
    say(status, "");
  } catch (error) {
    say(status, error instanceof Error ? error.message : String(error), "error");
  }
}

void start();
