-- hostile: __pairs and __len lie about the plan's tables (C must use what is really there)
local srcs = setmetatable({}, {
  __len = function() return math.maxinteger end,
  __pairs = function() error("__pairs must not be called") end,
  __index = function(_, k) return 7 end,
})
local tg = setmetatable({}, { __pairs = function() return next, { a = "s3://@DST@/" }, nil end,
                              __len = function() return 1 end })
return { sources = srcs, targets = tg }
-- expect-stderr: expected a string, got number
-- expect-stderr: boundary_pairs_len_tricks.lua:9: sources.manifest: expected a string, got number
