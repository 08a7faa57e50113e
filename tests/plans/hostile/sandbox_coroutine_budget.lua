-- hostile: inside a coroutine, a loop catches the budget error with pcall and goes on
-- timeout: 40
-- expect-stderr: budget
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(obj)
    coroutine.wrap(function()
      while true do pcall(function() for i = 1, 1e12 do end end) end
    end)()
  end }
