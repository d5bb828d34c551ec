// My files: the user's own folder (`private/<identity id>/`) in the user-files bucket, reached
// straight from the browser with Identity Pool credentials (AWS SDK for JavaScript v3). The bucket
// policy lets these credentials into that folder only; the bucket's CORS lets this site's origin in.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type _Object,
} from "@aws-sdk/client-s3";
import { fromCognitoIdentityPool } from "@aws-sdk/credential-provider-cognito-identity";
import { problemMessage, type Client } from "../shared/api";
import type { Auth } from "../shared/auth";
import type { SiteConfig } from "../shared/config";
import { busy, byId, formatBytes, h, replace, say } from "../shared/ui";
import { isNetworkError, type Network } from "./network";

export class FilesView {
  private s3: S3Client | undefined;
  private user: string | undefined;
  private folder: string | undefined;
  private readonly list = byId<HTMLUListElement>("file-list");
  private readonly message = byId("files-message");

  constructor(
    private readonly config: SiteConfig,
    private readonly auth: Auth,
    private readonly api: Client,
    private readonly network: Network,
  ) {
    byId<HTMLFormElement>("upload-form").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.upload();
    });
  }

  /** The S3 client for this user: credentials from the Identity Pool, refreshed by the SDK. */
  private client(user: string): S3Client {
    if (this.s3 && this.user === user) return this.s3;
    const { config, auth } = this;
    const endpoint = config.endpoints?.s3;
    this.user = user;
    this.folder = undefined;
    this.s3 = new S3Client({
      region: config.region,
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      // Plain PUT/GET of whole small files: no streaming checksum trailers to negotiate.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      credentials: fromCognitoIdentityPool({
        identityPoolId: config.identityPoolId,
        logins: { [auth.providerName]: () => auth.idToken() },
        userIdentifier: user, // the identity id is cached per user on this device
        clientConfig: {
          region: config.region,
          ...(config.endpoints?.cognitoIdentity ? { endpoint: config.endpoints.cognitoIdentity } : {}),
        },
      }),
    });
    return this.s3;
  }

  async show(user: string): Promise<void> {
    this.client(user);
    await this.refresh();
  }

  signedOut(): void {
    this.s3?.destroy();
    this.s3 = undefined;
    this.user = undefined;
    this.folder = undefined;
    replace(this.list);
  }

  /** The folder and quota from the API (`GET /me/storage`), then the folder's objects from S3. */
  private async refresh(): Promise<void> {
    try {
      const storage = await this.api.getMyStorage({ query: { fresh: Date.now().toString(36) } });
      this.folder = storage.data.prefix;
      byId("quota").textContent =
        `${formatBytes(storage.data.usedBytes)} of ${formatBytes(storage.data.quotaBytes)} used ` +
        `(${storage.data.objects} ${storage.data.objects === 1 ? "file" : "files"}).`;
      const listed = await this.s3!.send(new ListObjectsV2Command({ Bucket: this.config.userFilesBucket, Prefix: this.folder }));
      this.network.saw(null);
      this.render(listed.Contents ?? []);
    } catch (error) {
      this.failed(error);
    }
  }

  private async upload(): Promise<void> {
    const input = byId<HTMLInputElement>("file-input");
    const file = input.files?.[0];
    if (!file || !this.folder) return;
    say(this.message, "");
    try {
      await busy(byId<HTMLButtonElement>("upload"), async () => {
        await this.s3!.send(
          new PutObjectCommand({
            Bucket: this.config.userFilesBucket,
            Key: this.folder + file.name,
            Body: new Uint8Array(await file.arrayBuffer()),
            ContentType: file.type || "application/octet-stream",
          }),
        );
      });
      input.value = "";
      say(this.message, `Uploaded “${file.name}”.`, "ok");
      await this.refresh();
    } catch (error) {
      this.failed(error);
    }
  }

  private async download(object: _Object, button: HTMLButtonElement): Promise<void> {
    try {
      const bytes = await busy(button, async () => {
        const answer = await this.s3!.send(new GetObjectCommand({ Bucket: this.config.userFilesBucket, Key: object.Key }));
        return { data: await answer.Body!.transformToByteArray(), type: answer.ContentType };
      });
      const url = URL.createObjectURL(new Blob([bytes.data as BlobPart], { type: bytes.type ?? "application/octet-stream" }));
      const link = h("a", { href: url, download: this.nameOf(object) });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.failed(error);
    }
  }

  private async remove(object: _Object, button: HTMLButtonElement): Promise<void> {
    try {
      await busy(button, () => this.s3!.send(new DeleteObjectCommand({ Bucket: this.config.userFilesBucket, Key: object.Key })));
      say(this.message, `Deleted “${this.nameOf(object)}”.`, "ok");
      await this.refresh();
    } catch (error) {
      this.failed(error);
    }
  }

  private render(objects: _Object[]): void {
    replace(
      this.list,
      ...objects.map((object) => {
        const name = this.nameOf(object);
        const download = h("button", { type: "button", class: "secondary" }, "Download", h("span", { class: "visually-hidden" }, ` “${name}”`));
        const remove = h("button", { type: "button", class: "danger" }, "Delete", h("span", { class: "visually-hidden" }, ` “${name}”`));
        download.addEventListener("click", () => void this.download(object, download));
        remove.addEventListener("click", () => void this.remove(object, remove));
        return h(
          "li",
          { class: "file" },
          h("span", { class: "name" }, name),
          h("span", { class: "size" }, formatBytes(object.Size ?? 0)),
          h("span", { class: "actions" }, download, remove),
        );
      }),
    );
    byId("files-empty").hidden = objects.length > 0;
  }

  private nameOf(object: _Object): string {
    return (object.Key ?? "").slice(this.folder?.length ?? 0);
  }

  private failed(error: unknown): void {
    this.network.saw(error);
    const name = (error as { name?: string }).name ?? "";
    let text = problemMessage(error);
    if (isNetworkError(error)) text = "You are offline: your files need a connection.";
    else if (name === "AccessDenied" || name === "Forbidden") text = "You may only use your own folder.";
    else if (name === "NoSuchKey") text = "That file is gone. It may have been deleted on another device.";
    say(this.message, text, "error");
  }
}
