-- hostile: an endless loop that catches the budget error with pcall and goes on
-- timeout: 40
-- expect-stderr: sandbox_pcall_budget.lua:
-- expect-stderr: budget
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(obj)
    while true do pcall(function() for i = 1, 1e12 do end end) end
  end }
