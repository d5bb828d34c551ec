"""CloudFront, locally: one origin serving the site bucket, thumbnails and /api/* (the gateway)."""
