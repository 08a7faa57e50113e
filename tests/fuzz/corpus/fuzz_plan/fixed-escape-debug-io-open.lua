-- hostile: the debug library reaches the real io.open through an upvalue and writes a file
local f
if debug and debug.getupvalue then
  local _, real = debug.getupvalue(io.open, 1)
  f = real and real("./pwned", "w")
end
if f then f:write("x") f:close() end
return { sources = { "s3://src/in/" }, target = "s3://dst/" }
