-- hostile: dofile and loadfile of a file outside the plan's folders
-- expect-stderr: may read
-- expect-no-stderr: root
dofile("/etc/passwd")
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
