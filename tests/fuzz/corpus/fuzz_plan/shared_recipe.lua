-- A plan that uses a shared recipe (examples/team_rules.lua) found in the
-- plan's own folder, with a key rewrite on top: every file name is lower-cased.
local s3e = require "s3engine"
local route = require "s3engine.recipes.route"
local team = require "team_rules"

local dst = s3e.args.dst or "media-target"

return {
  sources = { { bucket = s3e.args.src or "media-source", prefix = s3e.args.prefix or "" } },
  targets = {
    videos   = { bucket = dst, prefix = "videos/" },
    images   = { bucket = dst, prefix = "images/" },
    sidecars = { bucket = dst, prefix = "meta/" },
  },
  route = route.rewrite(team.router(), function(obj) return obj.rel:lower() end),
  payload = "1GB",
}
