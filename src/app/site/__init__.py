"""MyBlog.com's static site: pages pre-rendered from posts, and their assets."""
