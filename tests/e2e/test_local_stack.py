"""`make run`'s stack used as a mobile developer would: only boto3, httpx and outputs.json.

Starts `python -m app.devstack run` (what `make run` runs) as a child process on free ports with
its own state folder, then stops it with Ctrl-C (SIGINT) and starts it again over the same state.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError

from app.devstack.provisioning.intrinsics import load_template
from tests.clients import user_files
from tests.conftest import REPO_ROOT
from tests.e2e.running import local_stack, make_user, sign_in

pytestmark = pytest.mark.e2e
# The template's Outputs, plus the local endpoints a client must use.
# (Outputs with a Condition are false with the defaults: the updates edge needs an origin.)
EXPECTED_OUTPUTS = {
    name
    for name, output in load_template(REPO_ROOT / "template.yaml")["Outputs"].items()
    if "Condition" not in output
} | {
    "AwsEndpointUrl", "CognitoIdentityEndpoint", "UserFilesS3Endpoint",
}  # fmt: skip


def test_whole_todo_flow_from_outputs_only_and_data_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "devstack"
    with local_stack(state) as (outputs, _):
        assert set(outputs) == EXPECTED_OUTPUTS
        api = outputs["ApiUrl"]
        assert api.endswith("/")
        token = sign_in(outputs, "ada@example.com", "Ada-Lovelace-1815")
        auth = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=outputs["SiteUrl"], timeout=10) as site:
            home = site.get("")
            assert home.status_code == 200
            assert "Welcome to MyBlog.com" in home.text  # the demo posts, rendered
            assert site.get("posts/welcome/").status_code == 200
            assert site.get("api/health").json() == {"status": "ok"}
        with httpx.Client(base_url=api, timeout=10) as http:
            assert http.get("health").status_code == 200
            assert http.get("docs").status_code == 200
            assert http.get("openapi.json").json()["info"]["title"]
            created = http.post("todos", json={"title": "Write the README"}, headers=auth)
            assert created.status_code == 201
            todo = created.json()
            etag = created.headers["etag"]
            patched = http.patch(
                f"todos/{todo['id']}", json={"done": True}, headers={**auth, "If-Match": etag}
            )
            assert patched.status_code == 200
            second = http.post("todos", json={"title": "Delete me"}, headers=auth).json()
            assert http.delete(f"todos/{second['id']}", headers=auth).status_code == 204
            listed = http.get("todos", headers=auth).json()
            assert [t["id"] for t in listed["items"]] == [todo["id"]]
        user_token = make_user(state, "bo@example.com")
        with httpx.Client(base_url=api, timeout=10) as http:
            bo = {"Authorization": f"Bearer {user_token}"}
            assert http.get("todos", headers=bo).json() == {"items": [], "nextCursor": None}

    with local_stack(state) as (outputs_again, _):
        assert outputs_again["UserPoolId"] == outputs["UserPoolId"]
        assert outputs_again["UserPoolClientId"] == outputs["UserPoolClientId"]
        cognito = boto3.client(
            "cognito-idp", endpoint_url=outputs_again["AwsEndpointUrl"], region_name="us-east-1"
        )  # fmt: skip
        token = cognito.initiate_auth(
            ClientId=outputs_again["UserPoolClientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ada@example.com", "PASSWORD": "Ada-Lovelace-1815"},
        )["AuthenticationResult"]["IdToken"]
        with httpx.Client(base_url=outputs_again["ApiUrl"], timeout=10) as http:
            items = http.get("todos", headers={"Authorization": f"Bearer {token}"}).json()["items"]
        assert [(t["id"], t["done"], t["version"]) for t in items] == [(todo["id"], True, 2)]


def test_https_serves_a_local_certificate(tmp_path: Path) -> None:
    state = tmp_path / "devstack"
    with local_stack(state, "--https", "--no-persist") as (outputs, _):
        assert outputs["ApiUrl"].startswith("https://127.0.0.1:")
        certificate = state / "tls" / "localhost.crt"
        with httpx.Client(
            verify=ssl.create_default_context(cafile=certificate), timeout=10
        ) as http:
            assert http.get(outputs["ApiUrl"] + "health").json() == {"status": "ok"}
            # The site rendered too: the renderer reached the photos API over HTTPS.
            home = http.get(outputs["SiteUrl"])
            assert home.status_code == 200
            assert "Welcome to MyBlog.com" in home.text
        with httpx.Client(timeout=10) as untrusting, pytest.raises(httpx.ConnectError):
            untrusting.get(outputs["ApiUrl"] + "health")


def test_two_users_each_reach_only_their_own_folder(tmp_path: Path) -> None:
    """Issue 3's promise against the running stack: boto3 and outputs.json only."""
    with local_stack(tmp_path / "devstack", "--no-persist") as (outputs, _):
        bucket = outputs["UserFilesBucketName"]
        clients = {}
        for email in ("ana@example.com", "ben@example.com"):
            identity_id, s3 = user_files(outputs, sign_in(outputs, email, "Pass-Word-12345"))
            s3.put_object(Bucket=bucket, Key=f"private/{identity_id}/me.txt", Body=email.encode())
            clients[email] = (identity_id, s3)
        (ana_id, ana), (ben_id, ben) = clients.values()
        assert ana.get_object(Bucket=bucket, Key=f"private/{ana_id}/me.txt")["Body"].read() == (
            b"ana@example.com"
        )
        for s3, other in ((ana, ben_id), (ben, ana_id)):
            folder = f"private/{other}/"
            attempts: list[tuple[str, dict[str, Any]]] = [
                ("get_object", {"Key": folder + "me.txt"}),
                ("put_object", {"Key": folder + "x.txt", "Body": b"x"}),
                ("list_objects_v2", {"Prefix": folder}),
                ("list_objects_v2", {}),
            ]
            for operation, params in attempts:
                with pytest.raises(ClientError):
                    getattr(s3, operation)(Bucket=bucket, **params)
