-- The seed's scenario as a plan: from one source, mp4 files to one prefix,
-- jpg and png files to another, in payloads of at most 800 MB per worker run.
--
--   s3engine examples/seed.lua --arg src=my-source-bucket --arg dst=my-target-bucket
--   s3engine --seed-input examples/seed-input.json     (the seed's own JSON, unchanged)
local s3e = require "s3engine"
local route = require "s3engine.recipes.route"

local src = s3e.args.src or "media-source"
local dst = s3e.args.dst or "media-target"

return {
  sources = { { bucket = src, prefix = s3e.args.prefix or "source/" } },
  targets = {
    videos = { bucket = dst, prefix = "mp4/" },
    images = { bucket = dst, prefix = "images/" },
  },
  route = route.by_extension{ videos = { "mp4" }, images = { "jpg", "png" } },
  payload = "800MB",
  workers = 16,
}
