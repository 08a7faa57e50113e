-- A team's shared recipe: kept next to the plans that use it (or installed
-- beside the s3engine recipes), loaded with require "team_rules".
-- Media files are routed by kind; sidecar files (.json, .xml) follow the
-- media they describe; everything else is left where it is.
local route = require "s3engine.recipes.route"

local M = {}

M.kinds = { videos = { "mp4", "mov", "mkv" }, images = { "jpg", "jpeg", "png", "tif" } }

function M.router()
  local by_kind = route.by_extension(M.kinds)
  return function(obj)
    local kind = by_kind(obj)
    if kind then return kind end
    if obj.ext == "json" or obj.ext == "xml" then return "sidecars" end
  end
end

return M
