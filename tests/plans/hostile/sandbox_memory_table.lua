-- hostile: a table that grows until the limit (set low with --lua-memory), in a pcall loop
-- args: --lua-memory 64MiB
-- timeout: 60
-- expect-stderr: memory limit
while true do
  pcall(function() local t = {} for i = 1, 1e9 do t[i] = { i } end end)
end
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
