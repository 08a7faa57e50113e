-- helpers.lua - tiny assertions for the recipe tests (run by test_script.c
-- through `s3engine lua`'s machinery). Each failure raises with its line.
local M = {}

local function show(v)
  if type(v) == "table" then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = tostring(k) .. "=" .. show(x) end
    table.sort(parts)
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return type(v) == "string" and string.format("%q", v) or tostring(v)
end
M.show = show

function M.eq(got, want, what)
  if show(got) ~= show(want) then
    error(string.format("%s: expected %s, got %s", what or "value", show(want), show(got)), 2)
  end
end

-- raises(fn, needle): fn must raise an error whose text contains needle.
function M.raises(fn, needle, what)
  local ok, err = pcall(fn)
  if ok then error((what or "call") .. ": expected an error", 2) end
  if not tostring(err):find(needle, 1, true) then
    error(string.format("%s: error '%s' lacks '%s'", what or "call", tostring(err), needle), 2)
  end
end

-- obj(key, size, mtime): an object table as the engine passes it to hooks.
function M.obj(key, size, mtime, prefix)
  prefix = prefix or ""
  local name = key:match("[^/]*$")
  local ext = name:match("%.([^.]+)$")
  return { bucket = "src", key = key, rel = key:sub(#prefix + 1), size = size or 1,
           etag = "e", last_modified = mtime or 0, storage_class = "STANDARD", source = 1,
           name = name, ext = ext and ext:lower() or "" }
end

return M
