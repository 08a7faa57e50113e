-- hostile: a looping __gc put into the file handles' metatable runs when io.stdout is closed at exit
-- timeout: 40
getmetatable(io.stdout).__gc = function() while true do end end
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
