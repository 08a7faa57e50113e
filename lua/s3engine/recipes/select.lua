-- s3engine.recipes.select: predicates for the plan's select function.
--
--   local sel = require "s3engine.recipes.select"
--   select = sel.all(sel.larger_than("1MB"), sel.older_than("30d"), sel.glob("**/*.mp4"))
local s3e = require "s3engine"
local M = {}

-- level: 3 = the plan line when called from a constructor, 4 from a helper of one
local function check(cond, msg, level)
  if not cond then error(msg, level or 3) end
end

local function size(v, fn)
  local ok, n = pcall(s3e.size, v)
  check(ok, fn .. ": '" .. tostring(v) .. "' is not a size (e.g. \"800MB\")", 4)
  return n
end

local function duration(v, fn)
  local ok, n = pcall(s3e.duration, v)
  check(ok, fn .. ": '" .. tostring(v) .. "' is not a duration (e.g. \"30d\")", 4)
  return n
end

function M.larger_than(v)  local n = size(v, "larger_than");  return s3e.pure(function(o) return o.size > n end) end
function M.smaller_than(v) local n = size(v, "smaller_than"); return s3e.pure(function(o) return o.size < n end) end

-- size_between(lo, hi): lo <= size < hi
function M.size_between(lo, hi)
  local a, b = size(lo, "size_between"), size(hi, "size_between")
  return s3e.pure(function(o) return o.size >= a and o.size < b end)
end

-- newer_than("7d") / older_than("30d"): by last_modified, relative to the run's start.
function M.newer_than(v)
  local cut = s3e.now() - duration(v, "newer_than")
  return s3e.pure(function(o) return o.last_modified > cut end)
end

function M.older_than(v)
  local cut = s3e.now() - duration(v, "older_than")
  return s3e.pure(function(o) return o.last_modified < cut end)
end

-- glob("**/*.mp4", ...): rel matches any of the patterns.
function M.glob(...)
  local pats = { ... }
  if #pats == 1 and type(pats[1]) == "table" then pats = pats[1] end
  check(#pats > 0, "glob: give at least one pattern")
  for _, p in ipairs(pats) do check(type(p) == "string", "glob: patterns are strings") end
  return s3e.pure(function(o)
    for _, p in ipairs(pats) do
      if s3e.glob(p, o.rel) then return true end
    end
    return false
  end)
end

-- extension("mp4", "mov") or extension{"jpg", "png"}: case-insensitive, no dot.
function M.extension(...)
  local list = { ... }
  if #list == 1 and type(list[1]) == "table" then list = list[1] end
  local set = {}
  for _, e in ipairs(list) do
    check(type(e) == "string", "extension: extensions are strings")
    set[e:lower():gsub("^%.", "")] = true
  end
  return s3e.pure(function(o) return set[o.ext] == true end)
end

-- storage_class("STANDARD", ...): the source object's storage class.
function M.storage_class(...)
  local set = {}
  for _, c in ipairs({ ... }) do set[c] = true end
  return s3e.pure(function(o) return set[o.storage_class] == true end)
end

local function preds(fn, ...)
  local ps = { ... }
  for i, p in ipairs(ps) do check(type(p) == "function", fn .. ": argument " .. i .. " is not a function", 4) end
  return ps
end

function M.all(...)
  local ps = preds("all", ...)
  return s3e.pure(function(o)
    for _, p in ipairs(ps) do if not p(o) then return false end end
    return true
  end, ps)
end

function M.any(...)
  local ps = preds("any", ...)
  return s3e.pure(function(o)
    for _, p in ipairs(ps) do if p(o) then return true end end
    return false
  end, ps)
end

function M.none(...)
  local any = M.any(...)
  return s3e.pure(function(o) return not any(o) end, { any })
end

return M
