"""`make deploy-site`: the site's assets and every page into a deployed stack, then invalidate.

Run after `sam deploy` (first time) and whenever the assets or the page templates change; posts
themselves are re-rendered by the render function as they change.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import boto3

from app.adapters.site_s3 import S3SitePublisher
from app.bootstrap import build_site_renderer
from app.settings import SiteSettings
from app.site.pages import STATIC
from app.site.web_config import CONFIG_KEY, web_config

WEB_BUILD = Path(__file__).resolve().parents[1] / "web" / "dist"  # `make web` builds it


def main(argv: list[str] | None = None) -> int:
    """Upload assets, the web build and its settings, render all pages, invalidate."""
    parser = argparse.ArgumentParser(prog="tools/deploy_site.py")
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)
    session = boto3.session.Session(region_name=args.region)
    stack = session.client("cloudformation").describe_stacks(StackName=args.stack_name)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    settings = SiteSettings.model_validate(
        {
            "AWS_REGION": session.region_name,
            "POSTS_TABLE": outputs["PostsTableName"],
            "SITE_BUCKET": outputs["SiteBucketName"],
            "DISTRIBUTION_ID": outputs["DistributionId"],
            "SITE_URL": outputs["SiteUrl"],
            # Pages list each post's photos through the photos service, as the function does.
            "PHOTOS_API_URL": outputs["ApiUrl"],
        }
    )
    publisher = S3SitePublisher(session.client("s3"), settings.site_bucket)
    assets = publisher.put_assets(STATIC)
    if not WEB_BUILD.is_dir():
        print("web/dist is missing: run `make web` first", file=sys.stderr)
        return 1
    assets += publisher.put_web_build(WEB_BUILD)
    publisher.put_json(CONFIG_KEY, web_config(outputs))
    renderer = build_site_renderer(settings)
    pages = renderer.refresh_all()
    print(f"uploaded {assets} assets, rendered {pages} pages: {outputs['SiteUrl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
