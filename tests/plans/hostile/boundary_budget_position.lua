-- hostile: select loops forever; the budget error must still say where
return {
  sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
  select = function(o)
    while true do end
  end,
}
-- expect-stderr: instruction budget
-- expect-stderr: boundary_budget_position.lua:5: select: instruction budget
