-- hostile: io.lines and io.input read a file outside the plan's folders
-- expect-no-stderr: root:
for l in io.lines("/etc/passwd") do error(l) end
io.input("/etc/passwd")
error(io.read("l"))
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
