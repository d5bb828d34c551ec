// Sign-up, confirmation, sign-in, sign-out and tokens with the Cognito user pool, through
// amazon-cognito-identity-js (SRP on AWS; the flow comes from config.json). Tokens live in the
// library's localStorage keys; the ID token is refreshed a few minutes before it expires.
import {
  AuthenticationDetails,
  CognitoAccessToken,
  CognitoIdToken,
  CognitoRefreshToken,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  CognitoUserSession,
} from "amazon-cognito-identity-js";
import type { SiteConfig } from "./config";

/** Refresh this long before the ID token expires (the pool's tokens last an hour). */
const REFRESH_MARGIN_SECONDS = 5 * 60;

export interface Tokens {
  idToken: string;
  accessToken: string;
  /** When the ID token expires, in seconds since the epoch on this device's clock (skew allowed for). */
  expiresAt: number;
  /** The user's `sub` and e-mail, from the ID token. */
  sub: string;
  email: string;
  /** `cognito:groups` from the ID token (e.g. "authors", "editors"). */
  groups: string[];
}

/** An auth failure with a sentence a person can act on, and the service's code for tests. */
export class AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "AuthError";
    this.code = code;
  }
}

const MESSAGES: Record<string, string> = {
  UsernameExistsException: "An account with this e-mail already exists. Sign in instead.",
  InvalidPasswordException:
    "The password is too weak: use at least 12 characters with upper- and lower-case letters and a number.",
  InvalidParameterException: "Please check the e-mail address and password.",
  CodeMismatchException: "That code is not right. Check the e-mail and try again.",
  ExpiredCodeException: "That code has expired. Ask for a new one.",
  NotAuthorizedException: "Incorrect e-mail or password.",
  UserNotConfirmedException: "Your account is not confirmed yet. Enter the code we e-mailed you.",
  UserNotFoundException: "Incorrect e-mail or password.",
  PasswordResetRequiredException: "You need to reset your password before you can sign in.",
  LimitExceededException: "Too many attempts. Wait a few minutes and try again.",
  TooManyRequestsException: "Too many attempts. Wait a few minutes and try again.",
  TooManyFailedAttemptsException: "Too many failed attempts. Wait a few minutes and try again.",
  CodeDeliveryFailureException: "We could not send the code. Check the e-mail address.",
  AliasExistsException: "An account with this e-mail already exists.",
  UserLambdaValidationException: "The sign-up was refused. Please contact support.",
  InvalidUserPoolConfigurationException: "Sign-in is not configured correctly. Please contact support.",
  ResourceNotFoundException: "Sign-in is not configured correctly. Please contact support.",
  InternalErrorException: "The sign-in service had a problem. Please try again.",
  NetworkError: "You seem to be offline. Check the connection and try again.",
  SessionExpired: "Your session has ended. Please sign in again.",
  NewPasswordRequired: "You need to set a new password before you can sign in.",
};

/** A readable message for any error the user pool (or the network) gives. */
export function authError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const raw = (error ?? {}) as { code?: string; name?: string; message?: string };
  let code = raw.code ?? raw.name ?? "Unknown";
  if (code === "NotAuthorizedException" && /disabled/i.test(raw.message ?? "")) {
    return new AuthError(code, "This account is disabled.");
  }
  if (code === "NotAuthorizedException" && /refresh token|revoked/i.test(raw.message ?? "")) {
    code = "SessionExpired";
  }
  if (code === "TypeError" || /network|failed to fetch/i.test(raw.message ?? "")) code = "NetworkError";
  return new AuthError(code, MESSAGES[code] ?? "Something went wrong while signing in. Please try again.");
}

function decode(jwt: string): Record<string, unknown> {
  const part = jwt.split(".")[1] ?? "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(decodeURIComponent(escape(json))) as Record<string, unknown>;
}

function tokensOf(session: CognitoUserSession): Tokens {
  const idToken = session.getIdToken().getJwtToken();
  const claims = decode(idToken);
  const groups = claims["cognito:groups"];
  // The library's clock drift (this device's clock minus the tokens' `iat`, untyped in its d.ts):
  // a phone whose clock is off still refreshes shortly before the service's expiry.
  const drift = (session as unknown as { getClockDrift?: () => number }).getClockDrift?.() ?? 0;
  return {
    idToken,
    accessToken: session.getAccessToken().getJwtToken(),
    expiresAt: Number(claims.exp) + drift,
    sub: String(claims.sub),
    email: String(claims.email ?? ""),
    groups: Array.isArray(groups) ? groups.map(String) : [],
  };
}

export class Auth {
  readonly pool: CognitoUserPool;
  private readonly config: SiteConfig;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<Tokens> | undefined;
  private listeners: ((tokens: Tokens | null) => void)[] = [];

  constructor(config: SiteConfig) {
    this.config = config;
    this.pool = new CognitoUserPool({
      UserPoolId: config.userPoolId,
      ClientId: config.userPoolClientId,
      ...(config.endpoints?.cognitoIdp ? { endpoint: config.endpoints.cognitoIdp } : {}),
    });
  }

  /** Called with the new tokens after sign-in and every refresh, and with null on sign-out. */
  onChange(listener: (tokens: Tokens | null) => void): void {
    this.listeners.push(listener);
  }

  /** The user pool's login key for the Identity Pool ("cognito-idp.<region>.amazonaws.com/<pool>"). */
  get providerName(): string {
    return `cognito-idp.${this.config.region}.amazonaws.com/${this.config.userPoolId}`;
  }

  signUp(email: string, password: string): Promise<{ confirmed: boolean }> {
    const attributes = [new CognitoUserAttribute({ Name: "email", Value: email })];
    return new Promise((resolve, reject) => {
      this.pool.signUp(email, password, attributes, [], (error, result) => {
        if (error || !result) reject(authError(error));
        else resolve({ confirmed: result.userConfirmed });
      });
    });
  }

  confirm(email: string, code: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.user(email).confirmRegistration(code, true, (error) => (error ? reject(authError(error)) : resolve()));
    });
  }

  resendCode(email: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.user(email).resendConfirmationCode((error) => (error ? reject(authError(error)) : resolve()));
    });
  }

  signIn(email: string, password: string): Promise<Tokens> {
    const user = this.user(email);
    user.setAuthenticationFlowType(this.config.authFlow);
    const details = new AuthenticationDetails({ Username: email, Password: password });
    return new Promise<Tokens>((resolve, reject) => {
      user.authenticateUser(details, {
        onSuccess: (session) => resolve(this.started(session)),
        onFailure: (error) => reject(authError(error)),
        newPasswordRequired: () => reject(authError({ code: "NewPasswordRequired" })),
      });
    });
  }

  /** Forget the tokens on this device and revoke the refresh token (the client allows revocation). */
  signOut(): Promise<void> {
    clearTimeout(this.timer);
    const user = this.pool.getCurrentUser();
    return new Promise<void>((resolve) => {
      if (!user) resolve();
      else user.signOut(() => resolve());
    }).then(() => this.emit(null));
  }

  /**
   * The signed-in user's tokens, refreshed first when they expire within the margin; null when
   * signed out. Offline, expired tokens are still returned (`expiresAt` in the past), so a page can
   * show what it saved for this user; the service will refuse them until a refresh succeeds.
   */
  async current(): Promise<Tokens | null> {
    const user = this.pool.getCurrentUser();
    if (!user) return null;
    // Offline, the library would retry its refresh with backoff for a long while: don't ask it.
    if (!navigator.onLine) {
      const saved = this.storedSession(user);
      return saved ? tokensOf(saved) : null;
    }
    const session = await new Promise<CognitoUserSession | null>((resolve, reject) => {
      user.getSession((error: Error | null, value: CognitoUserSession | null) => (error ? reject(error) : resolve(value)));
    }).catch((error: unknown) => (authError(error).code === "NetworkError" ? this.storedSession(user) : null));
    if (!session) return null;
    const tokens = tokensOf(session);
    if (tokens.expiresAt - Date.now() / 1000 > REFRESH_MARGIN_SECONDS) {
      this.schedule(tokens);
      return tokens;
    }
    try {
      return await this.refresh();
    } catch (error) {
      if (authError(error).code === "NetworkError") return tokens; // offline: keep what we have
      throw error;
    }
  }

  /** An ID token for the API and the Identity Pool (refreshed when close to expiry); throws when signed out. */
  async idToken(): Promise<string> {
    const tokens = await this.current();
    if (!tokens) throw new AuthError("SessionExpired", MESSAGES.SessionExpired ?? "");
    return tokens.idToken;
  }

  /** New tokens from the refresh token now (deduplicated across callers). */
  refresh(): Promise<Tokens> {
    this.refreshing ??= new Promise<Tokens>((resolve, reject) => {
      const user = this.pool.getCurrentUser();
      const stored = user?.getSignInUserSession()?.getRefreshToken() ?? this.storedRefreshToken(user);
      if (!user || !stored) {
        reject(new AuthError("SessionExpired", MESSAGES.SessionExpired ?? ""));
        return;
      }
      user.refreshSession(stored, (error: unknown, session: CognitoUserSession | null) => {
        if (error || !session) reject(authError(error));
        else resolve(this.started(session));
      });
    }).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The session last saved on this device (maybe expired), for offline use. */
  private storedSession(user: CognitoUser): CognitoUserSession | null {
    const prefix = `CognitoIdentityServiceProvider.${this.config.userPoolClientId}.${user.getUsername()}`;
    const idToken = localStorage.getItem(`${prefix}.idToken`);
    const accessToken = localStorage.getItem(`${prefix}.accessToken`);
    if (!idToken || !accessToken) return null;
    const data = {
      IdToken: new CognitoIdToken({ IdToken: idToken }),
      AccessToken: new CognitoAccessToken({ AccessToken: accessToken }),
      RefreshToken: new CognitoRefreshToken({ RefreshToken: "" }),
      // The constructor takes the saved drift (CognitoUserSession.js), its d.ts does not say so.
      ClockDrift: Number(localStorage.getItem(`${prefix}.clockDrift`) ?? 0),
    };
    return new CognitoUserSession(data as ConstructorParameters<typeof CognitoUserSession>[0]);
  }

  private storedRefreshToken(user: CognitoUser | null): CognitoRefreshToken | null {
    if (!user) return null;
    const key = `CognitoIdentityServiceProvider.${this.config.userPoolClientId}.${user.getUsername()}.refreshToken`;
    const value = localStorage.getItem(key);
    return value ? new CognitoRefreshToken({ RefreshToken: value }) : null;
  }

  private started(session: CognitoUserSession): Tokens {
    const tokens = tokensOf(session);
    this.schedule(tokens);
    this.emit(tokens);
    return tokens;
  }

  private schedule(tokens: Tokens): void {
    clearTimeout(this.timer);
    const due = (tokens.expiresAt - REFRESH_MARGIN_SECONDS) * 1000 - Date.now();
    this.timer = setTimeout(() => {
      this.refresh().catch(() => undefined); // the next call to current() retries or reports it
    }, Math.max(due, 1000));
  }

  private emit(tokens: Tokens | null): void {
    for (const listener of this.listeners) listener(tokens);
  }

  private user(email: string): CognitoUser {
    return new CognitoUser({ Username: email, Pool: this.pool });
  }
}
