// The deployment's settings, from /config.json at the site root. The local stack and
// `make deploy-site` write it from the stack's outputs; on AWS the endpoints are absent and every
// SDK uses its default (the service's regional endpoint).

export interface SiteConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string;
  userFilesBucket: string;
  /** The API, same-origin behind the distribution: "/api/". */
  apiBase: string;
  /**
   * How the sign-in proves the password: "USER_SRP_AUTH" on AWS (the app client allows SRP and
   * refresh only); the local pool says "USER_PASSWORD_AUTH" because the emulator does not check an
   * SRP proof (any password would pass), while it does check a plain password.
   */
  authFlow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH";
  /** Local stack only: the emulators' endpoints. Absent on AWS. */
  endpoints?: {
    cognitoIdp?: string;
    cognitoIdentity?: string;
    s3?: string;
  };
  /** Local stack only: a hint shown beside the confirmation code field. */
  confirmationHint?: string;
}

let loaded: Promise<SiteConfig> | undefined;

/** The site's config.json (fetched once per page; the network first, so a deploy is seen at once). */
export function loadConfig(url = "/config.json"): Promise<SiteConfig> {
  loaded ??= fetch(url, { cache: "no-cache" }).then(async (response) => {
    if (!response.ok) throw new Error(`The site's settings could not be loaded (${response.status}).`);
    return parseConfig(await response.json());
  });
  return loaded;
}

/** Checks the fields a page needs, so a broken deploy fails with a clear message. */
export function parseConfig(raw: unknown): SiteConfig {
  const value = (raw ?? {}) as Record<string, unknown>;
  for (const key of ["region", "userPoolId", "userPoolClientId", "identityPoolId", "userFilesBucket"]) {
    if (typeof value[key] !== "string" || value[key] === "") {
      throw new Error(`The site's settings lack "${key}".`);
    }
  }
  const config = value as unknown as SiteConfig;
  return {
    ...config,
    apiBase: typeof value.apiBase === "string" ? value.apiBase : "/api/",
    authFlow: value.authFlow === "USER_PASSWORD_AUTH" ? "USER_PASSWORD_AUTH" : "USER_SRP_AUTH",
  };
}
