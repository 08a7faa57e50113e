-- hostile: a collisions policy that is a table, not one of the three names
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/",
         collisions = setmetatable({}, { __tostring = function() error("boom") end }) }
