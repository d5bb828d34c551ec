"""Software-update offloading: CloudFront in front of an unchanged origin, proven locally."""
