-- hostile: debug.getregistry walks the registry for functions the sandbox removed
local reg = debug.getregistry()
for _, v in pairs(reg) do
  if type(v) == "table" and rawget(v, "io") then
    local io2 = v.io
    if io2.popen then io2.popen("touch @CANARY@/pwned") end
  end
end
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
