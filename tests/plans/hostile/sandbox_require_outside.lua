-- hostile: require of a file outside the plan's folders through package.path
-- expect-stderr: may read
-- expect-no-stderr: root
package.path = "/etc/?;" .. package.path
require "passwd"
return { sources = { "s3://@SRC@/in/" }, target = "s3://@DST@/" }
