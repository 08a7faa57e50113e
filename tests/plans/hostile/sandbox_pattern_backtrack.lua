-- hostile: a Lua pattern with exponential backtracking: C work the instruction budget did not see
-- timeout: 40
-- expect-stderr: budget
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(obj)
    return string.find(string.rep("a", 60), string.rep("a-", 40) .. "b") ~= nil
  end }
