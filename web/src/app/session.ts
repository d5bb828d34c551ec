// The sign-in screen: sign in, create an account, confirm it with the e-mailed code.
import { authError, type Auth, type Tokens } from "../shared/auth";
import type { SiteConfig } from "../shared/config";
import { busy, byId, say } from "../shared/ui";

export class SessionView {
  private readonly email = byId<HTMLInputElement>("email");
  private readonly password = byId<HTMLInputElement>("password");
  private readonly message = byId("auth-message");
  private readonly signInForm = byId<HTMLFormElement>("sign-in-form");
  private readonly confirmForm = byId<HTMLFormElement>("confirm-form");
  private pending: { email: string; password: string } | undefined;

  constructor(
    private readonly auth: Auth,
    config: SiteConfig,
    private readonly signedIn: (tokens: Tokens) => Promise<void>,
  ) {
    if (config.confirmationHint) {
      const hint = byId("confirm-hint");
      hint.textContent = config.confirmationHint;
      hint.hidden = false;
    }
    this.signInForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.run(byId<HTMLButtonElement>("sign-in"), () => this.signIn());
    });
    byId("sign-up").addEventListener("click", () => {
      if (this.signInForm.reportValidity()) void this.run(byId<HTMLButtonElement>("sign-up"), () => this.signUp());
    });
    this.confirmForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.run(byId<HTMLButtonElement>("confirm"), () => this.confirm());
    });
    byId("resend").addEventListener("click", () => {
      void this.run(byId<HTMLButtonElement>("resend"), async () => {
        await this.auth.resendCode(this.pending?.email ?? this.email.value.trim());
        say(this.message, "We sent a new code.", "ok");
      });
    });
  }

  private async signIn(): Promise<void> {
    const email = this.email.value.trim();
    try {
      await this.enter(await this.auth.signIn(email, this.password.value));
    } catch (error) {
      if (authError(error).code !== "UserNotConfirmedException") throw error;
      this.askForCode(email, this.password.value);
      throw error;
    }
  }

  private async signUp(): Promise<void> {
    const email = this.email.value.trim();
    const password = this.password.value;
    const { confirmed } = await this.auth.signUp(email, password);
    if (confirmed) await this.enter(await this.auth.signIn(email, password));
    else this.askForCode(email, password);
  }

  private async confirm(): Promise<void> {
    const pending = this.pending ?? { email: this.email.value.trim(), password: this.password.value };
    await this.auth.confirm(pending.email, byId<HTMLInputElement>("code").value.trim());
    await this.enter(await this.auth.signIn(pending.email, pending.password));
  }

  private askForCode(email: string, password: string): void {
    this.pending = { email, password };
    byId("auth-title").textContent = "Confirm your e-mail";
    byId("confirm-text").textContent = `We e-mailed a confirmation code to ${email}.`;
    this.signInForm.hidden = true;
    this.confirmForm.hidden = false;
    byId<HTMLInputElement>("code").focus();
  }

  private async enter(tokens: Tokens): Promise<void> {
    this.pending = undefined;
    this.password.value = "";
    byId<HTMLInputElement>("code").value = "";
    byId("auth-title").textContent = "Sign in";
    this.signInForm.hidden = false;
    this.confirmForm.hidden = true;
    say(this.message, "");
    await this.signedIn(tokens);
  }

  private async run(button: HTMLButtonElement, action: () => Promise<void>): Promise<void> {
    say(this.message, "");
    try {
      await busy(button, action);
    } catch (error) {
      say(this.message, authError(error).message, "error");
    }
  }
}
