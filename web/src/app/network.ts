// The visible offline state: the header says "Offline" while the browser is offline or the
// last request could not reach the service.
import { ApiError } from "../shared/api";

export class Network {
  private failed = false;
  private listeners: (() => void)[] = [];

  constructor(private readonly badge: HTMLElement) {
    addEventListener("online", () => {
      this.failed = false;
      this.render();
      for (const listener of this.listeners) listener();
    });
    addEventListener("offline", () => this.render());
    this.render();
  }

  get offline(): boolean {
    return this.failed || !navigator.onLine;
  }

  /** Called when the connection comes back. */
  onOnline(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Note the outcome of a request: a network failure means offline, any answer online. */
  saw(error: unknown | null): void {
    this.failed = error !== null && isNetworkError(error);
    this.render();
  }

  private render(): void {
    this.badge.hidden = !this.offline;
  }
}

export function isNetworkError(error: unknown): boolean {
  if (error instanceof ApiError) return false;
  if (error instanceof TypeError) return true;
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /network|failed to fetch|offline|load failed/i.test(text);
}
