-- hostile: the budget error caught by coroutine.wrap/resume inside pcall, in a loop
-- timeout: 40
-- expect-stderr: budget
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(obj)
    while true do
      pcall(coroutine.wrap(function() while true do end end))
      coroutine.resume(coroutine.create(function() for i = 1, 1e12 do end end))
    end
  end }
