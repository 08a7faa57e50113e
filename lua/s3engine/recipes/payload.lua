-- s3engine.recipes.payload: payload sizing policies.
--
-- A payload is the work one worker does in one go, its objects one after
-- another (the seed's "at most N MB per Lambda run"). The plan's payload
-- field takes a size, a table, or a function(obj, route) returning a group.
--
--   local payload = require "s3engine.recipes.payload"
--   payload = payload.per_target{ videos = "5GB", images = {max_bytes = "200MB", max_objects = 500} }
local s3e = require "s3engine"
local M = {}

local function check(cond, msg, level)
  if not cond then error(msg, level or 3) end
end

-- A limits table {max_bytes = bytes, max_objects = n} from "800MB", 800000000
-- or {max_bytes = ..., max_objects = ...}.
local function limits(v, what)
  if type(v) == "string" or type(v) == "number" then
    local ok, n = pcall(s3e.size, v)
    check(ok and n > 0, what .. ": '" .. tostring(v) .. "' is not a size", 4)
    return { max_bytes = n }
  end
  check(type(v) == "table", what .. ": expected a size or {max_bytes = ..., max_objects = ...}", 4)
  local out = {}
  if v.max_bytes ~= nil then
    local ok, n = pcall(s3e.size, v.max_bytes)
    check(ok and n > 0, what .. ".max_bytes: '" .. tostring(v.max_bytes) .. "' is not a size", 4)
    out.max_bytes = n
  end
  if v.max_objects ~= nil then
    check(math.type(v.max_objects) == "integer" and v.max_objects > 0,
          what .. ".max_objects: expected a positive whole number", 4)
    out.max_objects = v.max_objects
  end
  return out
end

-- max_bytes("800MB" [, max_objects]): the plain seed policy, as a table.
function M.max_bytes(size, max_objects)
  local l = limits({ max_bytes = size, max_objects = max_objects }, "max_bytes")
  return l
end

-- per_target{ target = size or {max_bytes=, max_objects=}, default = ... }:
-- each target's copies are packed separately, with that target's limits.
function M.per_target(map)
  check(type(map) == "table", "per_target: expected { target = \"800MB\", ... }")
  local by = {}
  for name, v in pairs(map) do
    check(type(name) == "string", "per_target: keys are target names")
    local l = limits(v, "per_target." .. name)
    by[name] = { group = name, max_bytes = l.max_bytes, max_objects = l.max_objects }
  end
  local default = by.default
  return s3e.pure(function(obj, route)
    return by[route.target] or default
  end)
end

-- size_tiers{ {below = "16MB", max_bytes = "256MB", max_objects = 2000},
--             {below = "1GB",  max_bytes = "8GB"},
--             {max_bytes = "20GB"} }
-- Objects are grouped by size: small files travel in payloads with many
-- objects, large ones in payloads with few. Tiers are tried in order; the
-- last one may omit `below`.
function M.size_tiers(tiers)
  check(type(tiers) == "table" and #tiers > 0, "size_tiers: expected a list of tiers")
  local ts = {}
  for i, t in ipairs(tiers) do
    check(type(t) == "table", "size_tiers: tier " .. i .. ": expected a table")
    local below
    if t.below ~= nil then
      local ok, n = pcall(s3e.size, t.below)
      check(ok, "size_tiers: tier " .. i .. ": below: '" .. tostring(t.below) .. "' is not a size")
      below = n
    end
    local l = limits(t, "size_tiers[" .. i .. "]")
    ts[i] = { below = below, group = t.name or ("tier " .. i), max_bytes = l.max_bytes,
              max_objects = l.max_objects }
  end
  return s3e.pure(function(obj)
    for _, t in ipairs(ts) do
      if not t.below or obj.size < t.below then return t end
    end
    -- larger than every tier: the default group
  end)
end

return M
