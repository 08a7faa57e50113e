-- s3engine.recipes.route: ready-made route functions.
--
--   local route = require "s3engine.recipes.route"
--   route = route.by_extension{ videos = {"mp4", "mov"}, images = {"jpg", "png"} }
--
-- Every constructor checks its arguments at once and raises an error that
-- points at the plan line that called it.
local s3e = require "s3engine"
local M = {}

local function check(cond, msg)
  if not cond then error(msg, 3) end
end

local function check_name(name, what)
  check(type(name) == "string" and name ~= "", what .. ": target names are strings")
end

-- by_extension{ target = {ext, ...} or "ext", ... } [, {default = target}]
-- Extensions are matched without the dot and case-insensitively.
function M.by_extension(map, opts)
  check(type(map) == "table", "by_extension: expected { target = {\"ext\", ...} }")
  opts = opts or {}
  local to = {}
  for target, exts in pairs(map) do
    check_name(target, "by_extension")
    if type(exts) == "string" then exts = { exts } end
    check(type(exts) == "table", "by_extension: " .. target .. ": expected a list of extensions")
    for _, e in ipairs(exts) do
      check(type(e) == "string", "by_extension: " .. target .. ": extensions are strings")
      e = e:lower():gsub("^%.", "")
      check(to[e] == nil or to[e] == target,
            "by_extension: '" .. e .. "' is listed for both " .. tostring(to[e]) .. " and " .. target)
      to[e] = target
    end
  end
  local default = opts.default
  return s3e.pure(function(obj)
    return to[obj.ext] or default
  end)
end

-- by_prefix{ {"raw/", "archive"}, {"logs/", "logs"} } [, {default = target}]
-- Prefixes are matched against obj.rel (the key below the source prefix),
-- in order; the first match wins. With strip = true the matched prefix is
-- removed from the destination key.
function M.by_prefix(rules, opts)
  check(type(rules) == "table", "by_prefix: expected { {\"prefix/\", \"target\"}, ... }")
  opts = opts or {}
  for i, r in ipairs(rules) do
    check(type(r) == "table" and type(r[1]) == "string", "by_prefix: rule " .. i .. ": expected {\"prefix/\", \"target\"}")
    check_name(r[2], "by_prefix: rule " .. i)
  end
  return s3e.pure(function(obj)
    for _, r in ipairs(rules) do
      local p = r[1]
      if obj.rel:sub(1, #p) == p then
        if opts.strip then return { target = r[2], key = obj.rel:sub(#p + 1) } end
        return r[2]
      end
    end
    return opts.default
  end)
end

-- by_glob{ {"**/*.mp4", "videos"}, {"images/*", "images"} } [, {default = target}]
-- Globs are matched against obj.rel: * stays within a folder, ** crosses
-- folders, ? is one character, [abc] a class. First match wins.
function M.by_glob(rules, opts)
  check(type(rules) == "table", "by_glob: expected { {\"pattern\", \"target\"}, ... }")
  opts = opts or {}
  for i, r in ipairs(rules) do
    check(type(r) == "table" and type(r[1]) == "string", "by_glob: rule " .. i .. ": expected {\"pattern\", \"target\"}")
    check_name(r[2], "by_glob: rule " .. i)
  end
  return s3e.pure(function(obj)
    for _, r in ipairs(rules) do
      if s3e.glob(r[1], obj.rel) then return r[2] end
    end
    return opts.default
  end)
end

-- fanout("a", "b", ...): every object goes to every named target.
function M.fanout(...)
  local names = { ... }
  if #names == 1 and type(names[1]) == "table" then names = names[1] end
  check(#names > 0, "fanout: name at least one target")
  for _, n in ipairs(names) do check_name(n, "fanout") end
  return s3e.pure(function() return names end)
end

-- all(r1, r2, ...): the routes of every router together (fan-out by rules).
function M.all(...)
  local routers = { ... }
  for i, r in ipairs(routers) do check(type(r) == "function", "all: argument " .. i .. " is not a function") end
  return s3e.pure(function(obj)
    local out = {}
    for _, r in ipairs(routers) do
      local v = r(obj)
      if type(v) == "string" or (type(v) == "table" and v.target) then
        out[#out + 1] = v
      elseif type(v) == "table" then
        for _, x in ipairs(v) do out[#out + 1] = x end
      end
    end
    if #out > 0 then return out end
  end, routers)
end

-- first(r1, r2, ...): the first router that routes the object decides.
function M.first(...)
  local routers = { ... }
  for i, r in ipairs(routers) do check(type(r) == "function", "first: argument " .. i .. " is not a function") end
  return s3e.pure(function(obj)
    for _, r in ipairs(routers) do
      local v = r(obj)
      if v then return v end
    end
  end, routers)
end

-- rewrite(router, fn): keep the router's targets, set each key to fn(obj, target).
-- fn may also return a table {key = ..., storage_class = ...}.
function M.rewrite(router, fn)
  check(type(router) == "function" and type(fn) == "function", "rewrite: expected (router, function)")
  local function one(obj, r)
    local t = type(r) == "table" and r or { target = r }
    local k = fn(obj, t.target)
    if type(k) == "table" then
      return { target = t.target, key = k.key or t.key, storage_class = k.storage_class or t.storage_class }
    end
    return { target = t.target, key = k or t.key, storage_class = t.storage_class }
  end
  return s3e.pure(function(obj)
    local v = router(obj)
    if not v then return nil end
    if type(v) == "string" or v.target then return one(obj, v) end
    local out = {}
    for i, r in ipairs(v) do out[i] = one(obj, r) end
    return out
  end, { router, fn })
end

-- storage_class(router, class or {target = class}): set the storage class per route.
function M.storage_class(router, classes)
  check(type(router) == "function", "storage_class: expected (router, class)")
  return M.rewrite(router, s3e.pure(function(obj, target)
    local c = type(classes) == "table" and classes[target] or classes
    if type(c) == "string" then return { storage_class = c } end
  end))
end

return M
