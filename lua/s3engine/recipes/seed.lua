-- s3engine.recipes.seed: run the serverless version's state-machine input
-- unchanged. Its input looks like
--   { "s3_copy_config": {
--       "source_s3_config": { "s3_bucket": "src", "s3_path": "source/" },
--       "target_s3_config": [
--         { "file_types": ["mp4"], "s3_bucket": "dst", "s3_path": "mp4/" },
--         { "file_types": ["jpg", "png"], "s3_bucket": "dst", "s3_path": "images/" } ] } }
-- (the README's own example lacks the outer braces and has a trailing comma:
-- both are accepted). Objects whose extension is listed go to that target,
-- under its path, keeping their path below the source path; others stay.
--
--   s3engine --seed-input input.json            (the engine calls plan() for you)
--   return require("s3engine.recipes.seed").plan("input.json", { workers = 4 })
--
-- Payload size: "max_payload_size_per_lambda_execution_in_mb" (in the JSON, at
-- the top or in s3_copy_config) or opts.max_payload_mb, else 800 MB as in the
-- seed's dev-env.sh. Workers: "num_copy_lambda_workers" likewise, else the
-- engine's default.
local json = require "s3engine.json"
local s3e = require "s3engine"
local M = {}

local function fail(name, msg)
  error(name .. ": " .. msg, 0)
end

local function str_field(t, k, name, where)
  local v = t[k]
  if type(v) ~= "string" or v == "" then
    fail(name, where .. "." .. k .. ": expected a non-empty string, got " .. type(v))
  end
  return v
end

-- Turn the decoded input into a plan table.
function M.from_config(input, name, opts)
  name = name or "seed input"
  opts = opts or {}
  if type(input) ~= "table" then fail(name, "expected a JSON object") end
  local cfg = input.s3_copy_config
  if type(cfg) ~= "table" then fail(name, "no \"s3_copy_config\" object") end
  local src = cfg.source_s3_config
  if type(src) ~= "table" then fail(name, "s3_copy_config.source_s3_config: expected an object") end
  local targets_in = cfg.target_s3_config
  if type(targets_in) ~= "table" or #targets_in == 0 then
    fail(name, "s3_copy_config.target_s3_config: expected a non-empty list")
  end
  local bucket = str_field(src, "s3_bucket", name, "source_s3_config")
  local prefix = src.s3_path or ""
  local targets, by_ext = {}, {}
  for i, t in ipairs(targets_in) do
    local where = "target_s3_config[" .. i .. "]"
    if type(t) ~= "table" then fail(name, where .. ": expected an object") end
    local tname = "target" .. i
    if type(t.file_types) ~= "table" or #t.file_types == 0 then
      fail(name, where .. ".file_types: expected a non-empty list such as [\"mp4\"]")
    end
    for _, ext in ipairs(t.file_types) do
      if type(ext) ~= "string" then fail(name, where .. ".file_types: extensions are strings") end
      ext = ext:lower():gsub("^%.", "")
      if by_ext[ext] and by_ext[ext] ~= tname then
        s3e.warn("%s: file type '%s' is listed twice: the first target wins", name, ext)
      else
        by_ext[ext] = tname
      end
    end
    targets[tname] = { bucket = str_field(t, "s3_bucket", name, where), prefix = t.s3_path or "",
                       storage_class = t.storage_class }
  end
  local mb = input.max_payload_size_per_lambda_execution_in_mb
      or cfg.max_payload_size_per_lambda_execution_in_mb or opts.max_payload_mb or 800
  local workers = input.num_copy_lambda_workers or cfg.num_copy_lambda_workers or opts.workers
  return {
    sources = { { bucket = bucket, prefix = prefix } },
    targets = targets,
    route = function(obj) return by_ext[obj.ext] end,
    payload = math.floor((tonumber(mb) or 800) * 1024 * 1024),
    workers = workers and math.tointeger(tonumber(workers)) or nil,
  }
end

-- Read a seed input file and return the plan.
function M.plan(path, opts)
  if type(path) ~= "string" then error("seed.plan: expected the path of the JSON input", 2) end
  local f, err = io.open(path, "r")
  if not f then error("cannot open seed input " .. tostring(err), 0) end
  local text = f:read("a")
  f:close()
  return M.from_config(json.decode(text, path), path, opts)
end

return M
