-- Size-tiered payloads: thousands of small files travel together in a
-- payload (each costs a request, not bytes), big files in payloads of a few,
-- and anything above 1 GB alone (its parts run in parallel inside it).
local s3e = require "s3engine"
local payload = require "s3engine.recipes.payload"

return {
  sources = { { bucket = s3e.args.src or "archive", prefix = s3e.args.prefix or "" } },
  targets = { copy = { bucket = s3e.args.dst or "archive-copy", prefix = s3e.args.dst_prefix or "" } },
  payload = payload.size_tiers{
    { name = "small", below = "1MB",  max_bytes = "256MB", max_objects = 5000 },
    { name = "medium", below = "1GB", max_bytes = "4GB",   max_objects = 200 },
    { name = "large",                  max_bytes = "1GB" },
  },
  multipart_cutoff = "256MB",
}
