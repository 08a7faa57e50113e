-- hostile: gsub/gmatch with nested quantifiers over a long subject, inside pcall
-- timeout: 40
-- expect-stderr: budget
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(obj)
    local s = string.rep("x", 5000)
    while true do pcall(string.gsub, s, ".-.-.-y", "z") end
  end }
