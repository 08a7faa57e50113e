-- s3engine.json: a small JSON decoder that forgives what hand-written
-- configs get wrong: trailing commas, a missing outer pair of braces, and
-- // or # comments. Numbers become Lua integers when they are whole.
--   local json = require "s3engine.json"
--   local t = json.decode(text [, name])   -- raises "name:line: message"
local M = {}

local function decode(text, name)
  local pos, len = 1, #text
  name = name or "json"

  local function fail(msg)
    local line = 1
    for _ in text:sub(1, pos - 1):gmatch("\n") do line = line + 1 end
    error(string.format("%s:%d: %s", name, line, msg), 0)
  end

  local function skip()
    while pos <= len do
      local c = text:sub(pos, pos)
      if c == " " or c == "\t" or c == "\n" or c == "\r" then
        pos = pos + 1
      elseif c == "#" or text:sub(pos, pos + 1) == "//" then
        local nl = text:find("\n", pos, true)
        pos = nl and nl + 1 or len + 1
      else
        break
      end
    end
  end

  local escapes = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f",
                    n = "\n", r = "\r", t = "\t" }

  local function str()
    pos = pos + 1
    local out, start = {}, pos
    while true do
      local c = text:sub(pos, pos)
      if c == "" then fail("unterminated string") end
      if c == '"' then break end
      if c == "\\" then
        out[#out + 1] = text:sub(start, pos - 1)
        local e = text:sub(pos + 1, pos + 1)
        if e == "u" then
          local hex = text:sub(pos + 2, pos + 5)
          if not hex:match("^%x%x%x%x$") then fail("bad \\u escape") end
          local cp = tonumber(hex, 16)
          pos = pos + 6
          if cp >= 0xD800 and cp <= 0xDBFF and text:sub(pos, pos + 1) == "\\u" then
            local lo = tonumber(text:sub(pos + 2, pos + 5), 16)
            if lo and lo >= 0xDC00 and lo <= 0xDFFF then
              cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
              pos = pos + 6
            end
          end
          out[#out + 1] = utf8.char(cp)
        elseif escapes[e] then
          out[#out + 1] = escapes[e]
          pos = pos + 2
        else
          fail("bad escape \\" .. e)
        end
        start = pos
      else
        pos = pos + 1
      end
    end
    out[#out + 1] = text:sub(start, pos - 1)
    pos = pos + 1
    return table.concat(out)
  end

  local value

  local function list(close, fn)
    pos = pos + 1
    while true do
      skip()
      local c = text:sub(pos, pos)
      if c == close then pos = pos + 1; return end
      if c == "" then fail("expected '" .. close .. "'") end
      fn()
      skip()
      c = text:sub(pos, pos)
      if c == "," then
        pos = pos + 1
      elseif c ~= close then
        fail("expected ',' or '" .. close .. "', got '" .. c .. "'")
      end
    end
  end

  function value()
    skip()
    local c = text:sub(pos, pos)
    if c == "{" then
      local t = {}
      list("}", function()
        if text:sub(pos, pos) ~= '"' then fail("expected a \"name\"") end
        local k = str()
        skip()
        if text:sub(pos, pos) ~= ":" then fail("expected ':' after \"" .. k .. "\"") end
        pos = pos + 1
        t[k] = value()
      end)
      return t
    elseif c == "[" then
      local t = {}
      list("]", function() t[#t + 1] = value() end)
      return t
    elseif c == '"' then
      return str()
    end
    local num = text:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if num and #num > 0 then
      pos = pos + #num
      return math.tointeger(tonumber(num)) or tonumber(num)
    end
    for word, v in pairs({ ["true"] = true, ["false"] = false, ["null"] = M.null }) do
      if text:sub(pos, pos + #word - 1) == word then
        pos = pos + #word
        return v
      end
    end
    fail(c == "" and "unexpected end of input" or "unexpected '" .. c .. "'")
  end

  skip()
  -- '"a": {...}' without the outer braces (as in the seed's README): add them.
  if text:match('^"[^"]*"%s*:', pos) then
    text = "{" .. text:sub(pos)
    len, pos = #text, 1
    local depth = 0
    for ch in text:gmatch("[{}]") do depth = depth + (ch == "{" and 1 or -1) end
    if depth > 0 then text = text .. "}"; len = #text end
  end
  local v = value()
  skip()
  if pos <= len then fail("unexpected text after the value") end
  return v
end

-- A unique value for JSON null (nil cannot live in tables).
M.null = setmetatable({}, { __tostring = function() return "null" end })

function M.decode(text, name)
  if type(text) ~= "string" then error("json.decode: expected a string", 2) end
  return decode(text, name)
end

-- Read and decode a file.
function M.read(path)
  local f, err = io.open(path, "r")
  if not f then error("cannot open " .. tostring(err), 2) end
  local text = f:read("a")
  f:close()
  return decode(text, path)
end

return M
