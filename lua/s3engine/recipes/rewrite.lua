-- s3engine.recipes.rewrite: functions that compute a destination key from
-- an object (use them in route tables, or with route.rewrite).
--
--   local rw = require "s3engine.recipes.rewrite"
--   route = route.rewrite(route.fanout("archive"), rw.date_partition{ format = "%Y/%m/%d" })
local s3e = require "s3engine"
local M = {}

local function check(cond, msg)
  if not cond then error(msg, 3) end
end

-- date_partition{ format = "%Y/%m/%d", keep = "rel" | "name", field = "last_modified",
--                 pattern = nil }
-- Puts each object under a folder made from a date (UTC strftime format).
-- The date is obj.last_modified, or, with pattern, the first capture of
-- pattern in the key read as "YYYY-MM-DD" / "YYYYMMDD".
function M.date_partition(opts)
  opts = opts or {}
  local fmt = opts.format or "year=%Y/month=%m/day=%d"
  local keep = opts.keep or "rel"
  check(type(fmt) == "string", "date_partition: format must be a string")
  check(keep == "rel" or keep == "name", "date_partition: keep must be \"rel\" or \"name\"")
  local pattern = opts.pattern
  return function(obj)
    local t = obj[opts.field or "last_modified"]
    if pattern then
      local d = obj.key:match(pattern)
      local y, m, dd
      if d then y, m, dd = d:match("^(%d%d%d%d)%-?(%d%d)%-?(%d%d)$") end
      if y then t = s3e.parse_time(string.format("%s-%s-%sT00:00:00.000Z", y, m, dd)) end
    end
    local folder = s3e.date(fmt, t or 0)
    if folder ~= "" and folder:sub(-1) ~= "/" then folder = folder .. "/" end
    return folder .. (keep == "name" and obj.name or obj.rel)
  end
end

-- flatten(): only the file name ("a/b/c.mp4" -> "c.mp4").
function M.flatten()
  return function(obj) return obj.name end
end

-- add_prefix("p/"): "p/" .. rel
function M.add_prefix(p)
  check(type(p) == "string", "add_prefix: expected a string")
  return function(obj) return p .. obj.rel end
end

-- strip_prefix("p/"): rel without a leading "p/" (unchanged when absent).
function M.strip_prefix(p)
  check(type(p) == "string", "strip_prefix: expected a string")
  return function(obj)
    if obj.rel:sub(1, #p) == p then return obj.rel:sub(#p + 1) end
    return obj.rel
  end
end

-- replace(lua_pattern, replacement): string.gsub on rel.
function M.replace(pattern, repl)
  check(type(pattern) == "string", "replace: expected a Lua pattern")
  return function(obj) return (obj.rel:gsub(pattern, repl)) end
end

-- lower(): rel in lower case.
function M.lower()
  return function(obj) return obj.rel:lower() end
end

-- by_extension("videos/"): "<folder><ext>/<name>" e.g. "videos/mp4/a.mp4".
function M.by_extension(folder)
  folder = folder or ""
  return function(obj)
    return folder .. (obj.ext ~= "" and obj.ext or "none") .. "/" .. obj.name
  end
end

return M
